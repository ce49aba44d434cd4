using EncodeQuality.Native.Frames;
using EncodeQuality.Pipeline.Metrics;

namespace EncodeQuality.Pipeline.Stages;

/// <summary>A set of metrics scoring one stream of (reference, distorted) pairs into one sheet.</summary>
public sealed class Comparison(IFrameMetric[] metrics) : IDisposable
{
    public ScoreSheet Sheet { get; } = new();
    public long Frames { get; private set; }

    public void Push(long index, VideoFrame reference, VideoFrame distorted)
    {
        if (index != Frames) throw new InvalidOperationException($"frame {index} scored out of order, expected {Frames}");
        foreach (var m in metrics) m.Push(index, reference, distorted, Sheet);
        Frames++;
    }

    public void Flush()
    {
        foreach (var m in metrics) m.Flush(Sheet);
    }

    public void Dispose()
    {
        foreach (var m in metrics) m.Dispose();
    }
}
