using EncodeQuality.Native.Frames;
using EncodeQuality.Vmaf;
using EncodeQuality.Vmaf.Features.Cambi;
using EncodeQuality.Model;

namespace EncodeQuality.Metrics;

/// <summary>
/// CAMBI banding (<see cref="CambiScorer"/>) as a metric of its own: "cambi" scores the distorted
/// picture alone, 0 for no visible banding, larger for more (around 5 banding becomes slightly
/// annoying, libvmaf's cambi.md says). With the full-reference option it also writes "cambi_source" and
/// "cambi_full_reference", the distorted score minus the source's, at least 0. Option suffixes on
/// "cambi" follow libvmaf's (cambi_hrs_1080_cmxv_17_vlt_0.06); like libvmaf, the two full-reference
/// names carry none. It is VMAF's own CAMBI extractor run without a model (<see cref="FeatureScorer"/>),
/// so threads score frames side by side; a frame's scores arrive once it is final.
/// </summary>
public sealed class CambiMetric(string? options, int threads = 1) : IFrameMetric
{
    private FeatureScorer? _scorer;
    private ScoreSheet? _sheet;
    private int[] _columns = [];

    // Parsing here makes a bad option an input error (FormatException) when the metric is made, before any frame.
    public IReadOnlyList<string> FeatureNames { get; } = CambiSettings.Parse(options, out var suffix).FeatureNames(suffix);

    public bool Temporal => false;

    /// <summary>Why CAMBI cannot score pictures of this size, or null.</summary>
    public static string? CannotScore(int width, int height) =>
        width < CambiScorer.MinimumSide && height < CambiScorer.MinimumSide
            ? $"CAMBI needs a picture at least {CambiScorer.MinimumSide} pixels wide or high, got {width}x{height}" : null;

    public void Push(long frameIndex, VideoFrame reference, VideoFrame distorted, ScoreSheet sheet)
    {
        var f = distorted.Format;
        if (_scorer is null)
        {
            try { _scorer = FeatureScorer.Of("cambi", options, f.Width, f.Height, threads, Done); }
            catch (ArgumentException e) { throw new InputException(e.Message); }
            _sheet = sheet;
            _columns = [.. _scorer.FeatureNames.Select(sheet.Column)];
        }
        // Luma as views; the scorer copies what it keeps.
        if (f.BitDepth > 8) _scorer.Push(frameIndex, Luma16(reference), Luma16(distorted));
        else _scorer.Push(frameIndex, Luma8(reference), Luma8(distorted));
    }

    private static SamplePlane Luma8(VideoFrame frame) =>
        new(frame.Plane(0), frame.Format.Width, frame.Format.Height, frame.Format.Width);

    private static SamplePlane Luma16(VideoFrame frame) =>
        new(frame.Plane16(0), frame.Format.Width, frame.Format.Height, frame.Format.Width, frame.Format.BitDepth);

    private void Done(long frame, bool scored, ReadOnlySpan<double> values)
    {
        for (int i = 0; i < values.Length; i++) _sheet!.Set(_columns[i], frame, values[i]);
    }

    public void Flush(ScoreSheet sheet) => _scorer?.Flush();

    public void Dispose() => _scorer?.Dispose();

    /// <summary>Registers "cambi" (options after "cambi=") in a catalog; <paramref name="threads"/> score frames side by side.</summary>
    public static void Register(MetricCatalog catalog, int threads = 1) =>
        catalog.RegisterWithOptions("cambi", options => new CambiMetric(options, threads), CannotScore,
            (options, width, height) => FeatureScorer.WorkingSet("cambi", options, width, height, threads));
}
