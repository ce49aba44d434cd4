using EncodeQuality.Model;

namespace EncodeQuality.Results.Segments;

/// <summary>
/// Pools a rendition's per-frame scores per segment. The metrics pooled are those a viewer-facing
/// figure is made of (VMAF, PSNR, SSIM, MS-SSIM, CAMBI), not VMAF's elementary features.
/// </summary>
public static class SegmentScores
{
    public static readonly IReadOnlyList<string> Metrics =
        ["vmaf", "psnr_y", "psnr_cb", "psnr_cr", "psnr_avg_611", "float_ssim", "float_ms_ssim", "cambi"];

    /// <summary>
    /// MQA-VIDEO, 0-100: 0.6 · mean + 0.4 · p5 of the segment's VMAF. A segment's p5 is its worst
    /// ~5 % of frames (3 of 60 in a 2 s segment), so a bad fraction of a second pulls the figure down
    /// by 40 % of its gap to the mean, while a steady segment keeps its mean. Source-size VMAF when the
    /// run has it (what a viewer sees), else the rendition's own size; none without VMAF.
    /// </summary>
    public static double? MqaVideo(IReadOnlyDictionary<ScoreAt, IReadOnlyDictionary<string, PooledScore>> pooled)
    {
        foreach (var mode in (ScoreAt[])[ScoreAt.Source, ScoreAt.Encode])
            if (pooled.TryGetValue(mode, out var m) && m.TryGetValue("vmaf", out var v))
                return Math.Clamp(0.6 * v.Mean + 0.4 * v.P5, 0, 100);
        return null;
    }

    /// <param name="damagedSource">Source frames the decoder concealed errors in, ascending: each counts as an error of its segment.</param>
    public static RenditionSegments? Of(RenditionOutcome r, SegmentPlan? plan, int fpsNum, int fpsDen, IReadOnlyList<long>? damagedSource = null)
    {
        var starts = r.Facts.SegmentStarts;
        if (plan is null || starts is null || starts.Count == 0) return null;
        var keyframes = new HashSet<long>(r.Facts.Keyframes ?? []);
        var segments = new List<SegmentScore>(starts.Count);
        for (int i = 0; i < starts.Count; i++)
        {
            long first = starts[i], end = i + 1 < starts.Count ? starts[i + 1] : r.Facts.Frames;
            var pooled = new Dictionary<ScoreAt, IReadOnlyDictionary<string, PooledScore>>();
            foreach (var set in r.Scores)
            {
                var metrics = new Dictionary<string, PooledScore>();
                foreach (var name in Metrics)
                {
                    int column = set.Sheet.FeatureNames.ToList().IndexOf(name);
                    if (column < 0) continue;
                    var values = new List<double>((int)(end - first));
                    for (long f = first; f < end; f++)
                    {
                        double v = set.Sheet.Get(column, (int)f);
                        if (!double.IsNaN(v)) values.Add(v); // subsampled runs score every Nth frame
                    }
                    if (values.Count > 0) metrics[name] = PooledScore.Of(values);
                }
                pooled[set.Mode] = metrics;
            }
            // The errors the encoder side can know of: the encoder returns every frame it is given (a
            // run whose counts differ fails), so they are the source frames the decoder concealed.
            int errors = damagedSource?.Count(f => f >= first && f < end) ?? 0;
            segments.Add(new SegmentScore(i, first, end - first, first * (double)fpsDen / fpsNum, (end - first) * (double)fpsDen / fpsNum,
                keyframes.Contains(first), pooled, MqaVideo(pooled), errors));
        }
        return new RenditionSegments(r.Facts.Name, plan, segments);
    }
}
