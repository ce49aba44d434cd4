using EncodeQuality.Native.Frames;
using EncodeQuality.Vmaf;
using EncodeQuality.Model;

namespace EncodeQuality.Metrics;

/// <summary>
/// The metrics made of feature extractors (PSNR, SSIM, MS-SSIM, CAMBI, speed_chroma: every name in
/// <see cref="FeatureScorer.Metrics"/>), scored together by one <see cref="FeatureScorer"/> without
/// a model, so the pair is copied in once and threads score frames side by side; a frame's scores
/// arrive once it is final. Options follow libvmaf's ("cambi=full_ref=true:window_size=63").
/// </summary>
public sealed class ExtractorMetric : IFrameMetric
{
    private readonly (string Metric, string? Options)[] _metrics;
    private readonly int _threads;
    private FeatureScorer? _scorer;
    private ScoreSheet? _sheet;
    private int[] _columns = [];

    /// <summary>Checks the names and options now (a <see cref="FormatException"/>), before any frame.</summary>
    public ExtractorMetric(IReadOnlyList<(string Metric, string? Options)> metrics, int threads = 1)
    {
        _metrics = [.. metrics];
        _threads = threads;
        FeatureScorer.Check(_metrics);
    }

    /// <summary>Known once the first frame has been pushed.</summary>
    public IReadOnlyList<string> FeatureNames => _scorer?.FeatureNames ?? [];

    public bool Temporal => false;

    public void Push(long frameIndex, VideoFrame reference, VideoFrame distorted, ScoreSheet sheet)
    {
        var f = distorted.Format;
        if (_scorer is null)
        {
            try { _scorer = FeatureScorer.ForMetrics(_metrics, f.Width, f.Height, _threads, Done); }
            catch (ArgumentException e) { throw new InputException(e.Message); }
            _sheet = sheet;
            _columns = [.. _scorer.FeatureNames.Select(sheet.Column)];
        }
        // The planes as views; the scorer copies those its extractors read.
        _scorer.Push(frameIndex, Picture(reference), Picture(distorted));
    }

    internal static YuvPicture Picture(VideoFrame frame)
    {
        var f = frame.Format;
        return f.BitDepth > 8
            ? new YuvPicture(Plane16(frame, 0), Plane16(frame, 1), Plane16(frame, 2))
            : new YuvPicture(Plane8(frame, 0), Plane8(frame, 1), Plane8(frame, 2));
    }

    private static SamplePlane Plane8(VideoFrame frame, int plane)
    {
        var f = frame.Format;
        return new SamplePlane(frame.Plane(plane), f.PlaneWidth(plane), f.PlaneHeight(plane), f.PlaneWidth(plane));
    }

    private static SamplePlane Plane16(VideoFrame frame, int plane)
    {
        var f = frame.Format;
        return new SamplePlane(frame.Plane16(plane), f.PlaneWidth(plane), f.PlaneHeight(plane), f.PlaneWidth(plane), f.BitDepth);
    }

    private void Done(long frame, bool scored, ReadOnlySpan<double> values)
    {
        for (int i = 0; i < values.Length; i++) _sheet!.Set(_columns[i], frame, values[i]);
    }

    public void Flush(ScoreSheet sheet) => _scorer?.Flush();

    public void Dispose() => _scorer?.Dispose();
}
