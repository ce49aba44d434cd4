using EncodeQuality.Pipeline;
using System.Text.Json;
using EncodeQuality.Vmaf;

namespace EncodeQuality.Results.Files;

/// <summary>
/// Writes scores in libvmaf's JSON log layout (version, fps, frames[{frameNum, metrics}],
/// pooled_metrics{name: {min, max, mean, harmonic_mean}}, aggregate_metrics), so tools that
/// read libvmaf logs read ours. Added: p1/p5/p50/p95 in each pooled entry, and a "rendition"
/// object. Values carry six decimals, as libvmaf writes them.
/// </summary>
public static class ScoreLogWriter
{
    /// <summary>The producer, as libvmaf's logs name theirs in "version".</summary>
    public static string Version => "EncodeQuality " + RunRecorder.EqVersion;

    /// <summary>Writes the log to <paramref name="path"/> (a temporary name; the caller renames it).</summary>
    public static void Write(string path, ScoreSet scores, double? scoreFps, RenditionFacts? rendition)
    {
        using var s = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        using (var w = new Utf8JsonWriter(s, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("version", Version);
            ToolVersions.Write(w);
            if (scoreFps is { } fps) w.WriteNumber("fps", Math.Round(fps, 2));
            w.WriteStartArray("frames");
            var columns = Enumerable.Range(0, scores.Metrics.Count).ToArray();
            foreach (int f in scores.Frames)
            {
                w.WriteStartObject();
                w.WriteNumber("frameNum", f);
                w.WriteStartObject("metrics");
                foreach (int c in columns) Number(w, scores.Metrics[c], scores.Sheet.Get(c, f));
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("pooled_metrics");
            foreach (var (name, p) in scores.Pooled) Pooled(w, name, p);
            w.WriteEndObject();
            w.WriteStartObject("aggregate_metrics");
            w.WriteEndObject();
            if (rendition is not null)
            {
                w.WriteStartObject("rendition");
                SummaryWriter.WriteRendition(w, rendition);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        s.Flush(flushToDisk: true);
    }

    /// <summary>One pooled entry: libvmaf's four statistics and our percentiles.</summary>
    public static void Pooled(Utf8JsonWriter w, string name, PooledScore p)
    {
        w.WriteStartObject(name);
        Number(w, "min", p.Min);
        Number(w, "max", p.Max);
        Number(w, "mean", p.Mean);
        Number(w, "harmonic_mean", p.HarmonicMean);
        Number(w, "p1", p.P1);
        Number(w, "p5", p.P5);
        Number(w, "p50", p.P50);
        Number(w, "p95", p.P95);
        w.WriteEndObject();
    }

    public static void Number(Utf8JsonWriter w, string name, double v) => w.WriteNumber(name, Math.Round(v, 6));
}
