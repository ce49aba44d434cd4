using System.Text.Json;
using EncodeQuality.Model;

namespace EncodeQuality.Results.Files;

/// <summary>
/// Writes scores in libvmaf's JSON log layout (version, fps, frames[{frameNum, metrics}],
/// pooled_metrics{name: {min, max, mean, harmonic_mean}}, aggregate_metrics), so tools that
/// read libvmaf logs read ours. Added: the versions of every component ("tools"), p1/p5/p50/p95 in
/// each pooled entry, and a "rendition" object. Values carry six decimals, as libvmaf writes them.
/// </summary>
public static class ScoreLogWriter
{
    /// <summary>The producer, as libvmaf's logs name theirs in "version".</summary>
    public static string Version => "EncodeQuality " + EqBuild.Version;

    /// <summary>Writes the log to <paramref name="path"/> (a temporary name; the caller renames it).</summary>
    public static void Write(string path, RunStart run, ScoreSet scores, double? scoreFps, RenditionFacts? rendition)
    {
        var log = new ScoreLogDocument
        {
            Version = Version,
            Tools = SummaryWriter.Raw(run.Tools),
            Fps = scoreFps is { } fps ? Math.Round(fps, 2) : null,
            Frames = ScoreLogFrames.Of(scores),
            PooledMetrics = SummaryWriter.Pooled(scores.Pooled),
            Rendition = rendition is null ? null : SummaryWriter.Rendition(rendition),
        };
        ResultsJson.WriteFile(path, log, ResultsJson.Default.ScoreLogDocument);
    }
}
