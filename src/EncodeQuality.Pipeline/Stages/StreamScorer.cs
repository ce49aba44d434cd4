using EncodeQuality.Native.Frames;
using EncodeQuality.Metrics;
using EncodeQuality.Model;

namespace EncodeQuality.Pipeline.Stages;

/// <summary>
/// A set of metrics scoring one stream of (reference, distorted) pairs into one sheet. Frames are
/// reported to <paramref name="scored"/> in order once every metric has published them (VMAF
/// publishes a frame when it has seen the next one). With <paramref name="subsample"/> N only every
/// Nth frame is scored; temporal metrics still see every frame.
/// </summary>
public sealed class StreamScorer(IFrameMetric[] metrics, Action<long, ScoreSheet>? scored = null, int subsample = 1) : IDisposable
{
    private int _columns = -1;
    private long _reported;

    public ScoreSheet Sheet { get; } = new();
    public long Frames { get; private set; }

    public void Push(long index, VideoFrame reference, VideoFrame distorted)
    {
        if (index != Frames) throw new InvalidOperationException($"frame {index} scored out of order, expected {Frames}");
        bool scoredFrame = index % subsample == 0;
        foreach (var m in metrics)
            if (scoredFrame || m.Temporal) m.Push(index, reference, distorted, Sheet);
        Frames++;
        Report();
    }

    public void Flush()
    {
        foreach (var m in metrics) m.Flush(Sheet);
        Report();
    }

    private void Report()
    {
        if (scored is null) return;
        // Metrics know all their feature names once they have seen a frame.
        if (_columns < 0) _columns = metrics.Sum(m => m.FeatureNames.Count);
        while (_reported < Frames)
        {
            if (_reported % subsample != 0) { _reported++; continue; }
            if (!Sheet.HasRow(_reported, _columns)) break;
            scored(_reported++, Sheet);
        }
    }

    public void Dispose()
    {
        foreach (var m in metrics) m.Dispose();
    }
}
