using System.Text.Json;
using EncodeQuality.Pipeline;
using EncodeQuality.Results.Segments;

namespace EncodeQuality.Results.Files;

/// <summary>NAME.segments.json read back (<see cref="SegmentsWriter"/> describes the file): eq store import and eq mqa.</summary>
public static class SegmentsReader
{
    public static RenditionSegments Read(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        var duration = root.GetProperty("segment_duration");
        var plan = new SegmentPlan(duration.ValueKind == JsonValueKind.Number ? duration.GetDouble() : null);
        var segments = root.GetProperty("segments").EnumerateArray().Select(g =>
        {
            var pooled = new Dictionary<ScoreAt, IReadOnlyDictionary<string, Vmaf.PooledScore>>();
            foreach (var mode in new[] { ScoreAt.Encode, ScoreAt.Source })
                if (g.TryGetProperty(ScoreSet.NameOf(mode), out var metrics))
                    pooled[mode] = PooledReader.ByFeature(metrics);
            var mqa = g.GetProperty("mqa_video");
            return new SegmentScore(g.GetProperty("index").GetInt32(), g.GetProperty("first_frame").GetInt64(), g.GetProperty("frames").GetInt64(),
                g.GetProperty("start").GetDouble(), g.GetProperty("duration").GetDouble(), g.GetProperty("starts_on_keyframe").GetBoolean(),
                pooled, mqa.ValueKind == JsonValueKind.Null ? null : mqa.GetDouble(), g.GetProperty("errors").GetInt32());
        }).ToList();
        return new RenditionSegments(root.GetProperty("rendition").GetString()!, plan, segments);
    }
}
