using EncodeQuality.Native.Frames;
using EncodeQuality.Native.Interop;

namespace EncodeQuality.Native;

/// <summary>Writes encoded access units into MP4 or Matroska (libavformat).</summary>
public sealed unsafe class ContainerMuxer : IDisposable
{
    private nint _handle;

    public ContainerMuxer(string path, string container, VideoCodec codec, VideoFormat format, int fpsNum, int fpsDen, byte[] headers)
    {
        string fmt = container switch
        {
            "mp4" => "mp4",
            "mkv" => "matroska",
            _ => throw new ArgumentException($"container '{container}' is not mp4 or mkv"),
        };
        byte* err = stackalloc byte[FixedText.ErrorLength];
        err[0] = 0;
        fixed (byte* h = headers)
            _handle = GlueMethods.MuxerOpen(path, fmt, (int)codec, format.Width, format.Height, format.BitDepth, fpsNum, fpsDen,
                h, headers.Length, err, FixedText.ErrorLength);
        if (_handle == 0) throw new GlueException(FixedText.Read(err));
    }

    public long BytesWritten { get; private set; }

    public void Write(in EncodedPacket packet)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        byte* err = stackalloc byte[FixedText.ErrorLength];
        err[0] = 0;
        if (GlueMethods.MuxerWrite(_handle, packet.DataPointer, packet.Size, packet.Pts, packet.Dts, packet.Keyframe ? 1 : 0, err, FixedText.ErrorLength) < 0)
            throw new GlueException(FixedText.Read(err));
        BytesWritten += packet.Size;
    }

    /// <summary>Writes the trailer and closes the file; without it the file is incomplete.</summary>
    public void Finish()
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        byte* err = stackalloc byte[FixedText.ErrorLength];
        err[0] = 0;
        if (GlueMethods.MuxerFinish(_handle, err, FixedText.ErrorLength) < 0) throw new GlueException(FixedText.Read(err));
    }

    public void Dispose()
    {
        if (_handle != 0) GlueMethods.MuxerFree(_handle);
        _handle = 0;
    }
}
