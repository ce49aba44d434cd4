using EncodeQuality.Native.Frames;
using EncodeQuality.Native.Interop;

namespace EncodeQuality.Native;

/// <summary>What a source delivers after decoding.</summary>
public sealed record SourceInfo(VideoFormat Format, int FpsNum, int FpsDen, string SourcePixelFormat,
    bool Converted, string Codec, long FrameCountHint)
{
    public double Fps => (double)FpsNum / FpsDen;
}

/// <summary>
/// Decodes one video stream through FFmpeg. Frames come out in display order, numbered by
/// arrival (never by timestamp, which raw elementary streams lack or carry broken).
/// </summary>
public sealed unsafe class SourceDecoder : IDisposable
{
    private nint _handle;
    private long _next;
    private readonly List<long> _damaged = [];

    private SourceDecoder(nint handle, SourceInfo info)
    {
        _handle = handle;
        Info = info;
    }

    public SourceInfo Info { get; }

    /// <summary>
    /// Frames (by index) that came out damaged: the decoder concealed errors in them, or a packet
    /// before them was lost. Only with <see cref="SourceOptions.ConcealErrors"/>; otherwise the
    /// first damaged frame is an error.
    /// </summary>
    public IReadOnlyList<long> DamagedFrames => _damaged;

    public static SourceDecoder Open(string url, SourceOptions? options = null)
    {
        var opts = new EqOpenOptions();
        if (options is not null)
        {
            FixedText.Write(opts.Format, options.Format, "format");
            FixedText.Write(opts.VideoSize, options.VideoSize, "video size");
            FixedText.Write(opts.Framerate, options.Framerate, "frame rate");
            FixedText.Write(opts.PixelFormat, options.PixelFormat, "pixel format");
            opts.ConcealErrors = options.ConcealErrors ? 1 : 0;
        }
        EqVideoInfo vi;
        byte* err = stackalloc byte[FixedText.ErrorLength];
        err[0] = 0;
        nint h = GlueMethods.DecoderOpen(url, &opts, &vi, err, FixedText.ErrorLength);
        if (h == 0) throw new SourceException($"{url}: {FixedText.Read(err)}");
        var info = new SourceInfo(new VideoFormat(vi.Width, vi.Height, vi.BitDepth), vi.FpsNum, vi.FpsDen,
            FixedText.Read(vi.SourcePixFmt), vi.Converted != 0, FixedText.Read(vi.CodecName), vi.FrameCountHint);
        return new SourceDecoder(h, info);
    }

    /// <summary>Decodes the next frame into <paramref name="frame"/>; false at the end of the stream.</summary>
    public bool Read(VideoFrame frame)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        if (frame.Format != Info.Format) throw new ArgumentException($"frame is {frame.Format}, source is {Info.Format}");
        var planes = frame.NativePlanes();
        byte* err = stackalloc byte[FixedText.ErrorLength];
        err[0] = 0;
        int r = GlueMethods.DecoderRead(_handle, &planes, err, FixedText.ErrorLength);
        if (r < 0) throw new SourceException($"frame {_next}: {FixedText.Read(err)}");
        if (r == 0) return false;
        if (r == 2) _damaged.Add(_next);
        frame.DisplayIndex = _next++;
        return true;
    }

    public void Dispose()
    {
        if (_handle != 0) GlueMethods.DecoderClose(_handle);
        _handle = 0;
    }

    /// <summary>FFmpeg's libraries, x264, x265, and SVT-AV1 and rav1e when they load: name and version, in a fixed order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Libraries { get; } =
        [.. FixedText.Read(GlueMethods.Versions()).Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Select(p => new KeyValuePair<string, string>(p[0], p[1]))];

    /// <summary>The libraries on one line, for logs and stored runs.</summary>
    public static string LibraryVersions { get; } = string.Join(", ", Libraries.Select(l => l.Key switch
    {
        "x264" => $"x264 build {l.Value}",
        _ => $"{l.Key} {l.Value}",
    }));
}
