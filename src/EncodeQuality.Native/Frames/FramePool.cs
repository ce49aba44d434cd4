using System.Collections.Concurrent;

namespace EncodeQuality.Native.Frames;

/// <summary>
/// Recycles frames of one format. The pool itself does not cap how many frames exist: the
/// bounded queues between stages do, and <see cref="Allocated"/> reports the result so tests
/// and logs can check it against the documented bound.
/// </summary>
public sealed class FramePool(VideoFormat format)
{
    private readonly ConcurrentBag<VideoFrame> _free = new();
    private int _allocated;

    public VideoFormat Format { get; } = format;

    /// <summary>Frames created so far: the pool's high-water mark.</summary>
    public int Allocated => Volatile.Read(ref _allocated);

    /// <summary>A frame with one reference, owned by the caller until it calls Release.</summary>
    public VideoFrame Rent()
    {
        if (!_free.TryTake(out var frame))
        {
            frame = new VideoFrame(this, Format);
            Interlocked.Increment(ref _allocated);
        }
        frame.OnRent();
        return frame;
    }

    internal void Return(VideoFrame frame) => _free.Add(frame);
}
