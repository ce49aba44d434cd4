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

    public static SourceOptions For(string path, string? size, string? fps, bool concealErrors = false)
    {
        bool raw = path.EndsWith(".yuv", StringComparison.OrdinalIgnoreCase);
        if (raw && (size is null || fps is null))
            throw new SourceException($"{path}: raw .yuv needs --size WxH and --fps");
        return raw || size is not null
            ? new SourceOptions { Format = raw ? "rawvideo" : null, VideoSize = size, Framerate = fps ?? "25", PixelFormat = raw ? "yuv420p" : null, ConcealErrors = concealErrors }
            : new SourceOptions { Framerate = fps, ConcealErrors = concealErrors };
    }

    public static SourceOptions Lavfi => new() { Format = "lavfi" };
}
