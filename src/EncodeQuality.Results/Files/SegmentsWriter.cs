using System.Text.Json;
using EncodeQuality.Pipeline;
using EncodeQuality.Results.Segments;

namespace EncodeQuality.Results.Files;

/// <summary>
/// NAME.segments.json: a rendition's scores pooled per segment, what <c>eq mqa</c> and packagers read.
/// <code>
/// {"version": ..., "rendition": "720p", "segment_duration": 2 (or "keyint"), "boundaries_held": true,
///  "mqa_video": "0.6*mean+0.4*p5 of vmaf at source", "segments": [{"index": 0, "first_frame": 0, "frames": 60,
///  "start": 0, "duration": 2, "starts_on_keyframe": true, "mqa_video": 93.1, "errors": 0,
///  "encode": {"vmaf": {"mean", "min", "p5", ...}, ...}, "source": {...}}]}
/// </code>
/// </summary>
public static class SegmentsWriter
{
    public const string MqaVideoDefinition = "0.6*mean+0.4*p5 of the segment's vmaf (at source size when scored there)";

    public static void Write(string path, RenditionSegments segments)
    {
        using var s = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        using (var w = new Utf8JsonWriter(s, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("version", ScoreLogWriter.Version);
            w.WriteString("rendition", segments.Rendition);
            if (segments.Plan.Seconds is { } seconds) w.WriteNumber("segment_duration", seconds);
            else w.WriteString("segment_duration", "keyint");
            w.WriteBoolean("boundaries_held", segments.BoundariesHeld);
            w.WriteString("mqa_video", MqaVideoDefinition);
            w.WriteStartArray("segments");
            foreach (var g in segments.Segments)
            {
                w.WriteStartObject();
                w.WriteNumber("index", g.Index);
                w.WriteNumber("first_frame", g.FirstFrame);
                w.WriteNumber("frames", g.Frames);
                w.WriteNumber("start", Math.Round(g.Start, 6));
                w.WriteNumber("duration", Math.Round(g.Seconds, 6));
                w.WriteBoolean("starts_on_keyframe", g.StartsOnKeyframe);
                if (g.MqaVideo is { } mqa) w.WriteNumber("mqa_video", Math.Round(mqa, 6));
                else w.WriteNull("mqa_video");
                w.WriteNumber("errors", g.Errors);
                foreach (var (mode, metrics) in g.Pooled)
                {
                    w.WriteStartObject(ScoreSet.NameOf(mode));
                    foreach (var (name, p) in metrics) ScoreLogWriter.Pooled(w, name, p);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        s.Flush(flushToDisk: true);
    }
}
