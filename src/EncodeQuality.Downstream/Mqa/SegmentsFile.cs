using System.Text.Json;

namespace EncodeQuality.Downstream.Mqa;

/// <summary>A metric pooled over one segment, as NAME.segments.json gives it.</summary>
public sealed record SegmentMetric(double Mean, double Min, double P5);

/// <summary>One segment as NAME.segments.json gives it; Metrics holds the source-size scores when the run has them, else the encode-size ones.</summary>
public sealed record SegmentRecord(int Index, double Start, double Duration, double? MqaVideo, int Errors, IReadOnlyDictionary<string, SegmentMetric> Metrics);

/// <summary>Reads the segments file eq encode --segment-duration writes.</summary>
public static class SegmentsFile
{
    public static (string Rendition, IReadOnlyList<SegmentRecord> Segments) Load(string path)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: no such segments file (eq encode --segment-duration writes NAME.segments.json)");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            var segments = root.GetProperty("segments").EnumerateArray().Select(s =>
            {
                var scores = s.TryGetProperty("source", out var source) ? source : s.TryGetProperty("encode", out var encode) ? encode : default;
                var metrics = scores.ValueKind == JsonValueKind.Object
                    ? scores.EnumerateObject().ToDictionary(m => m.Name, m => new SegmentMetric(
                        m.Value.GetProperty("mean").GetDouble(), m.Value.GetProperty("min").GetDouble(), m.Value.GetProperty("p5").GetDouble()))
                    : [];
                var mqa = s.GetProperty("mqa_video");
                return new SegmentRecord(s.GetProperty("index").GetInt32(), s.GetProperty("start").GetDouble(), s.GetProperty("duration").GetDouble(),
                    mqa.ValueKind == JsonValueKind.Null ? null : mqa.GetDouble(), s.GetProperty("errors").GetInt32(), metrics);
            }).ToList();
            if (segments.Count == 0) throw new InputException($"{path}: no segments");
            return (root.GetProperty("rendition").GetString()!, segments);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InputException($"{path}: not a segments file eq can read ({e.Message})");
        }
    }
}
