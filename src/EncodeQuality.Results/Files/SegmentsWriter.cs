using System.Text.Json;
using EncodeQuality.Model;

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
        var doc = new SegmentsDocument(ScoreLogWriter.Version, segments.Rendition,
            segments.Plan.Seconds is { } seconds ? JsonSerializer.SerializeToElement(seconds, ResultsJson.Default.Double)
                : JsonSerializer.SerializeToElement("keyint", ResultsJson.Default.String),
            segments.BoundariesHeld, MqaVideoDefinition,
            [.. segments.Segments.Select(g => new SegmentDocument(g.Index, g.FirstFrame, g.Frames, Math.Round(g.Start, 6), Math.Round(g.Seconds, 6),
                g.StartsOnKeyframe, g.MqaVideo is { } mqa ? Math.Round(mqa, 6) : null, g.Errors,
                g.Pooled.TryGetValue(ScoreAt.Encode, out var encode) ? SummaryWriter.Pooled(encode) : null,
                g.Pooled.TryGetValue(ScoreAt.Source, out var source) ? SummaryWriter.Pooled(source) : null))]);
        ResultsJson.WriteFile(path, doc, ResultsJson.Default.SegmentsDocument);
    }
}
