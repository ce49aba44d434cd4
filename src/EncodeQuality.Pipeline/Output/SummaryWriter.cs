using EncodeQuality.Vmaf;
using System.Text.Json;
using EncodeQuality.Pipeline.Metrics;

namespace EncodeQuality.Pipeline.Output;

/// <summary>OUT/summary.json: the ladder at a glance, one entry per rendition with pooled scores.</summary>
public static class SummaryWriter
{
    public static void Write(string path, LadderResult result) =>
        AtomicFile.Write(path, s =>
        {
            using var w = new Utf8JsonWriter(s, new JsonWriterOptions { Indented = true });
            w.WriteStartObject();
            w.WriteString("version", ScoreLogWriter.Version);
            w.WriteString("source", result.Source);
            w.WriteString("source_format", result.SourceInfo.Format.ToString());
            w.WriteNumber("source_fps", Math.Round(result.SourceInfo.Fps, 3));
            w.WriteNumber("frames", result.SourceFrames);
            w.WriteNumber("wall_seconds", Math.Round(result.Wall.TotalSeconds, 3));
            w.WriteStartArray("renditions");
            foreach (var r in result.Renditions)
            {
                w.WriteStartObject();
                WriteRendition(w, r);
                Pooled(w, "scores", r.AtEncode);
                Pooled(w, "source_scores", r.AtSource);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });

    public static void WriteRendition(Utf8JsonWriter w, RenditionReport r)
    {
        w.WriteString("name", r.Name);
        w.WriteString("codec", r.Codec);
        w.WriteNumber("width", r.Width);
        w.WriteNumber("height", r.Height);
        w.WriteNumber("bit_depth", r.BitDepth);
        w.WriteString("rate_control", r.RateControl);
        w.WriteNumber("frames", r.Frames);
        w.WriteNumber("size_bytes", r.SizeBytes);
        w.WriteNumber("bitrate_kbps", Math.Round(r.BitrateKbps, 3));
        w.WriteNumber("encode_fps", Math.Round(r.EncodeFps, 2));
        w.WriteNumber("score_fps", Math.Round(r.ScoreFps, 2));
        w.WriteString("file", Path.GetFileName(r.MediaPath));
        w.WriteStartObject("queues");
        w.WriteNumber("encoder_max_delay", r.Queues.EncoderMaxDelay);
        w.WriteNumber("lookahead_capacity", r.Queues.LookaheadCapacity);
        w.WriteNumber("lookahead_high_water", r.Queues.LookaheadHighWater);
        w.WriteNumber("reorder_capacity", r.Queues.ReorderCapacity);
        w.WriteNumber("reorder_high_water", r.Queues.ReorderHighWater);
        w.WriteNumber("encoder_frames_high_water", r.Queues.EncoderHighWater);
        w.WriteNumber("rung_frames_bound", r.Queues.MaxRungFrames);
        w.WriteNumber("rung_frames_allocated", r.Queues.RungFramesAllocated);
        w.WriteEndObject();
    }

    private static void Pooled(Utf8JsonWriter w, string name, ScoreSheet? sheet)
    {
        if (sheet is null) return;
        w.WriteStartObject(name);
        foreach (var f in sheet.FeatureNames)
        {
            var p = PooledScore.Of(sheet.ScoredValues(f));
            w.WriteStartObject(f);
            ScoreLogWriter.Number(w, "mean", p.Mean);
            ScoreLogWriter.Number(w, "harmonic_mean", p.HarmonicMean);
            ScoreLogWriter.Number(w, "min", p.Min);
            ScoreLogWriter.Number(w, "p1", p.P1);
            ScoreLogWriter.Number(w, "p5", p.P5);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
