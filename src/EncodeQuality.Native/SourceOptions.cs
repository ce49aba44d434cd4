namespace EncodeQuality.Native;

/// <summary>
/// How to open a source. Raw planar YUV has no header, so it needs a size and a rate;
/// a lavfi graph ("testsrc2=size=1280x720:rate=25") is a synthetic source.
/// </summary>
public sealed record SourceOptions
{
    public string? Format { get; init; }
    public string? VideoSize { get; init; }
    public string? Framerate { get; init; }
    public string? PixelFormat { get; init; }
    /// <summary>
    /// Deliver pictures the decoder concealed errors in (and count them, see
    /// <see cref="SourceDecoder.DamagedFrames"/>) rather than stop at the first one.
    /// </summary>
    public bool ConcealErrors { get; init; }

    /// <summary>The largest side FFmpeg's decoders and our encoders take.</summary>
    public const int MaxSide = 16384;

    public static SourceOptions For(string path, string? size, string? fps, bool concealErrors = false)
    {
        // FFmpeg reads "WxH" into int and wraps what does not fit (4294967616x192 is 320x192): check it here.
        if (size is not null && (size.Split('x') is not [var w, var h] || !int.TryParse(w, out int width) || !int.TryParse(h, out int height)
            || width is < 1 or > MaxSide || height is < 1 or > MaxSide))
            throw new SourceException($"size '{size}': width and height must be whole numbers from 1 to {MaxSide}");
        bool raw = path.EndsWith(".yuv", StringComparison.OrdinalIgnoreCase);
        if (raw && (size is null || fps is null))
            throw new SourceException($"{path}: raw .yuv needs --size WxH and --fps");
        return raw || size is not null
            ? new SourceOptions { Format = raw ? "rawvideo" : null, VideoSize = size, Framerate = fps ?? "25", PixelFormat = raw ? "yuv420p" : null, ConcealErrors = concealErrors }
            : new SourceOptions { Framerate = fps, ConcealErrors = concealErrors };
    }

    public static SourceOptions Lavfi => new() { Format = "lavfi" };
}
