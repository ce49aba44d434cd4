using EncodeQuality.Vmaf;
using System.Text.Json;
using EncodeQuality.Pipeline.Metrics;

namespace EncodeQuality.Pipeline.Output;

/// <summary>
/// Writes scores in libvmaf's JSON log layout (version, fps, frames[{frameNum, metrics}],
/// pooled_metrics{name: {min, max, mean, harmonic_mean}}, aggregate_metrics), so tools that
/// read libvmaf logs read ours. Added: p1/p5/p50/p95 in each pooled entry, and a "rendition"
/// object. Values carry six decimals, as libvmaf writes them.
/// </summary>
public static class ScoreLogWriter
{
    public const string Version = "EncodeQuality 0.1";

    public static void Write(string path, ScoreSheet sheet, int frames, double scoreFps, Action<Utf8JsonWriter>? extra = null) =>
        AtomicFile.Write(path, s =>
        {
            using var w = new Utf8JsonWriter(s, new JsonWriterOptions { Indented = true });
            WriteTo(w, sheet, frames, scoreFps, extra);
        });

    public static void WriteTo(Utf8JsonWriter w, ScoreSheet sheet, int frames, double scoreFps, Action<Utf8JsonWriter>? extra)
    {
        if (!sheet.IsComplete(frames))
            throw new InvalidOperationException($"scores are incomplete: {sheet.FrameCount} of {frames} frames");
        w.WriteStartObject();
        w.WriteString("version", Version);
        w.WriteNumber("fps", Math.Round(scoreFps, 2));
        w.WriteStartArray("frames");
        foreach (int f in sheet.ScoredFrames())
        {
            w.WriteStartObject();
            w.WriteNumber("frameNum", f);
            w.WriteStartObject("metrics");
            for (int c = 0; c < sheet.FeatureNames.Count; c++) Number(w, sheet.FeatureNames[c], sheet.Get(c, f));
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("pooled_metrics");
        foreach (var name in sheet.FeatureNames)
        {
            var p = PooledScore.Of(sheet.ScoredValues(name));
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
        w.WriteEndObject();
        w.WriteStartObject("aggregate_metrics");
        w.WriteEndObject();
        extra?.Invoke(w);
        w.WriteEndObject();
    }

    public static void Number(Utf8JsonWriter w, string name, double v) => w.WriteNumber(name, Math.Round(v, 6));
}
