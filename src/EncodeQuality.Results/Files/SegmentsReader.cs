using System.Text.Json;
using EncodeQuality.Model;

namespace EncodeQuality.Results.Files;

/// <summary>NAME.segments.json read back (<see cref="SegmentsWriter"/> describes the file): eq store import and eq mqa.</summary>
public static class SegmentsReader
{
    public static RenditionSegments Read(string path)
    {
        SegmentsDocument doc;
        using (var s = File.OpenRead(path))
            doc = JsonSerializer.Deserialize(s, ResultsJson.Default.SegmentsDocument) ?? throw new JsonException($"{path}: the document is null");
        var plan = new SegmentPlan(doc.SegmentDuration.ValueKind == JsonValueKind.Number ? doc.SegmentDuration.GetDouble() : null);
        var segments = doc.Segments.Select(g =>
        {
            var pooled = new Dictionary<ScoreAt, IReadOnlyDictionary<string, PooledScore>>();
            if (g.Encode is { } encode) pooled[ScoreAt.Encode] = SummaryReader.Pooled(encode);
            if (g.Source is { } source) pooled[ScoreAt.Source] = SummaryReader.Pooled(source);
            return new SegmentScore(g.Index, g.FirstFrame, g.Frames, g.Start, g.Duration, g.StartsOnKeyframe, pooled, g.MqaVideo, g.Errors);
        }).ToList();
        return new RenditionSegments(doc.Rendition, plan, segments);
    }
}
