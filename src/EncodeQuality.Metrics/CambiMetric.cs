using EncodeQuality.Native.Frames;
using EncodeQuality.Vmaf;
using EncodeQuality.Vmaf.Features.Cambi;

namespace EncodeQuality.Metrics;

/// <summary>
/// CAMBI banding (<see cref="CambiScorer"/>) as a metric of its own: "cambi" scores the distorted
/// picture alone, 0 for no visible banding, larger for more (around 5 banding becomes slightly
/// annoying, libvmaf's cambi.md says). With the full-reference option it also writes "cambi_source" and
/// "cambi_full_reference", the distorted score minus the source's, at least 0. Option suffixes on
/// "cambi" follow libvmaf's (cambi_hrs_1080_cmxv_17_vlt_0.06); like libvmaf, the two full-reference
/// names carry none.
/// </summary>
public sealed class CambiMetric(CambiSettings settings, string suffix = "", int threads = 1) : IFrameMetric
{
    private CambiScorer? _distorted, _source;
    private RowBands? _bands;
    private int[] _columns = [];

    public IReadOnlyList<string> FeatureNames { get; } = settings.FeatureNames(suffix);

    public bool Temporal => false;

    /// <summary>Why CAMBI cannot score pictures of this size, or null.</summary>
    public static string? CannotScore(int width, int height) =>
        width < CambiScorer.MinimumSide && height < CambiScorer.MinimumSide
            ? $"CAMBI needs a picture at least {CambiScorer.MinimumSide} pixels wide or high, got {width}x{height}" : null;

    public void Push(long frameIndex, VideoFrame reference, VideoFrame distorted, ScoreSheet sheet)
    {
        var f = distorted.Format;
        if (_distorted is null)
        {
            try
            {
                if (threads > 1) _bands = new RowBands(threads);
                _distorted = new CambiScorer(f.Width, f.Height, settings.EncWidth, settings.EncHeight, settings.EncBitDepth, settings, _bands);
                if (settings.FullReference)
                    _source = new CambiScorer(f.Width, f.Height, settings.SrcWidth, settings.SrcHeight, settings.EncBitDepth, settings, _bands);
            }
            catch (ArgumentException e) { throw new InputException(e.Message); }
            _columns = [.. FeatureNames.Select(sheet.Column)];
        }
        double score = Score(_distorted, distorted);
        sheet.Set(_columns[0], frameIndex, score);
        if (_source is not null)
        {
            double source = Score(_source, reference);
            sheet.Set(_columns[1], frameIndex, source);
            sheet.Set(_columns[2], frameIndex, settings.FullReferenceScore(score, source));
        }
    }

    private static double Score(CambiScorer scorer, VideoFrame frame)
    {
        var f = frame.Format;
        return f.BitDepth > 8 ? scorer.Score(frame.Plane16(0), f.Width, f.BitDepth) : scorer.Score(frame.Plane(0), f.Width);
    }

    public void Flush(ScoreSheet sheet) { }

    public void Dispose() => _bands?.Dispose();

    /// <summary>Registers "cambi" (options after "cambi=") in a catalog; <paramref name="threads"/> share each picture's contrast pass.</summary>
    public static void Register(MetricCatalog catalog, int threads = 1) =>
        catalog.RegisterWithOptions("cambi", options => new CambiMetric(CambiSettings.Parse(options, out var suffix), suffix, threads), CannotScore,
            (options, width, height) => CambiSettings.Parse(options, out _) is var s
                ? CambiScorer.WorkingSet(width, height, threads, s) * (s.FullReference ? 2 : 1) : 0);
}
