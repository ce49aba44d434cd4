using System.Text.Json;
using EncodeQuality.Results.Files;
using EncodeQuality.Model;

namespace EncodeQuality.Downstream.Mqa;

/// <summary>A metric pooled over one segment, as NAME.segments.json gives it.</summary>
public sealed record SegmentMetric(double Mean, double Min, double P5);

/// <summary>One segment as NAME.segments.json gives it; Metrics holds the source-size scores when the run has them, else the encode-size ones.</summary>
public sealed record SegmentRecord(int Index, double Start, double Duration, double? MqaVideo, int Errors, IReadOnlyDictionary<string, SegmentMetric> Metrics);

/// <summary>The segments file eq encode --segment-duration writes, read by the results layer's own reader, as a viewer sees each segment.</summary>
public static class SegmentsFile
{
    public static (string Rendition, IReadOnlyList<SegmentRecord> Segments) Load(string path)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: no such segments file (eq encode --segment-duration writes NAME.segments.json)");
        try
        {
            var file = SegmentsReader.Read(path);
            if (file.Segments.Count == 0) throw new InputException($"{path}: no segments");
            var segments = file.Segments.Select(s =>
            {
                var pooled = s.Pooled.TryGetValue(ScoreAt.Source, out var source) ? source : s.Pooled.GetValueOrDefault(ScoreAt.Encode);
                var metrics = pooled?.ToDictionary(m => m.Key, m => new SegmentMetric(m.Value.Mean, m.Value.Min, m.Value.P5))
                    ?? new Dictionary<string, SegmentMetric>();
                return new SegmentRecord(s.Index, s.Start, s.Seconds, s.MqaVideo, s.Errors, metrics);
            }).ToList();
            return (file.Rendition, segments);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InputException($"{path}: not a segments file eq can read ({e.Message})");
        }
    }
}
