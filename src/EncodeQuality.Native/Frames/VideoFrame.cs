using System.Runtime.InteropServices;
using EncodeQuality.Native.Interop;

namespace EncodeQuality.Native.Frames;

/// <summary>
/// One picture in a pinned buffer that lives as long as its pool, so native code reads and
/// writes it without pinning per call. Shared between stages by reference count: the last
/// Release returns it to its pool instead of leaving it to the GC.
/// </summary>
public sealed unsafe class VideoFrame
{
    /// <summary>
    /// Bytes past the last plane that native code may read. The encoders' and swscale's SIMD loads
    /// run past a row's end (x264's chroma interleave reads 16 to 32 bytes at a time); FFmpeg pads
    /// its own frames by AV_INPUT_BUFFER_PADDING_SIZE (64, libavcodec/defs.h) for the same reason.
    /// Without it the last chroma row's loads could cross into an unmapped page: x264 segfaulted
    /// there in two test runs, reading at a page boundary just past a frame.
    /// </summary>
    public const int Padding = 64;

    private readonly byte[] _buffer;
    private readonly FramePool _pool;
    private int _refs;

    internal VideoFrame(FramePool pool, VideoFormat format)
    {
        _pool = pool;
        Format = format;
        _buffer = GC.AllocateUninitializedArray<byte>(format.FrameBytes + Padding, pinned: true);
    }

    public VideoFormat Format { get; }

    /// <summary>Position in display order, from 0.</summary>
    public long DisplayIndex { get; set; }

    public int RefCount => Volatile.Read(ref _refs);

    internal void OnRent() => _refs = 1;

    public VideoFrame AddRef()
    {
        if (Interlocked.Increment(ref _refs) <= 1) throw new InvalidOperationException("AddRef on a released frame");
        return this;
    }

    public void Release()
    {
        int left = Interlocked.Decrement(ref _refs);
        if (left == 0) _pool.Return(this);
        else if (left < 0) throw new InvalidOperationException("frame released more often than referenced");
    }

    private int PlaneOffset(int plane) => plane switch
    {
        0 => 0,
        1 => Format.PlaneBytes(0),
        _ => Format.PlaneBytes(0) + Format.PlaneBytes(1),
    };

    /// <summary>A plane's bytes, rows packed at <see cref="VideoFormat.Stride"/>.</summary>
    public Span<byte> Plane(int plane) => _buffer.AsSpan(PlaneOffset(plane), Format.PlaneBytes(plane));

    /// <summary>The planes' bytes, without the padding.</summary>
    public Span<byte> Bytes => _buffer.AsSpan(0, Format.FrameBytes);

    /// <summary>A plane as 16-bit samples (formats above 8 bits).</summary>
    public Span<ushort> Plane16(int plane) => MemoryMarshal.Cast<byte, ushort>(Plane(plane));

    internal EqPlanes NativePlanes()
    {
        byte* b = (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(_buffer, 0);
        return new EqPlanes
        {
            Data0 = b + PlaneOffset(0), Data1 = b + PlaneOffset(1), Data2 = b + PlaneOffset(2),
            Stride0 = Format.Stride(0), Stride1 = Format.Stride(1), Stride2 = Format.Stride(2),
        };
    }

    public void CopyTo(VideoFrame other)
    {
        if (other.Format != Format) throw new ArgumentException($"cannot copy {Format} into {other.Format}");
        Bytes.CopyTo(other.Bytes);
        other.DisplayIndex = DisplayIndex;
    }
}
