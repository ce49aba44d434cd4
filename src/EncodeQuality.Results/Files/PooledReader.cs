using System.Text.Json;
using EncodeQuality.Vmaf;

namespace EncodeQuality.Results.Files;

/// <summary>Pooled entries as <see cref="ScoreLogWriter.Pooled"/> writes them (summary.json, segment files), read back.</summary>
internal static class PooledReader
{
    /// <summary>An object of pooled entries by feature name.</summary>
    public static IReadOnlyDictionary<string, PooledScore> ByFeature(JsonElement features) =>
        features.EnumerateObject().ToDictionary(m => m.Name, m => Read(m.Value));

    private static PooledScore Read(JsonElement p) => new(p.GetProperty("min").GetDouble(), p.GetProperty("max").GetDouble(),
        p.GetProperty("mean").GetDouble(), p.GetProperty("harmonic_mean").GetDouble(), p.GetProperty("p1").GetDouble(),
        p.GetProperty("p5").GetDouble(), p.GetProperty("p50").GetDouble(), p.GetProperty("p95").GetDouble());
}
