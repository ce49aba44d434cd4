using EncodeQuality.Native.Frames;
using EncodeQuality.Native.Interop;

namespace EncodeQuality.Native;

/// <summary>Bicubic resize between two 4:2:0 formats of one bit depth (swscale).</summary>
public sealed unsafe class FrameScaler : IDisposable
{
    private nint _handle;

    public FrameScaler(VideoFormat from, VideoFormat to)
    {
        if (from.BitDepth != to.BitDepth) throw new ArgumentException("scaler keeps the bit depth");
        From = from;
        To = to;
        byte* err = stackalloc byte[FixedText.ErrorLength];
        err[0] = 0;
        _handle = GlueMethods.ScalerCreate(from.Width, from.Height, to.Width, to.Height, to.BitDepth, err, FixedText.ErrorLength);
        if (_handle == 0) throw new GlueException(FixedText.Read(err));
    }

    public VideoFormat From { get; }
    public VideoFormat To { get; }

    public void Scale(VideoFrame source, VideoFrame destination)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        if (source.Format != From || destination.Format != To) throw new ArgumentException("frame formats do not match the scaler");
        var s = source.NativePlanes();
        var d = destination.NativePlanes();
        if (GlueMethods.ScalerScale(_handle, &s, &d) < 0) throw new GlueException($"scaling {From} to {To} failed");
        destination.DisplayIndex = source.DisplayIndex;
    }

    public void Dispose()
    {
        if (_handle != 0) GlueMethods.ScalerFree(_handle);
        _handle = 0;
    }
}
