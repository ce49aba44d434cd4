using EncodeQuality.Model;

namespace EncodeQuality.Decisions.Gates;

/// <summary>The pooled statistics a gate or a comparison can name, as summary.json and the store name them.</summary>
public static class PooledStatistic
{
    public static IReadOnlyList<string> Names { get; } = ["mean", "harmonic_mean", "min", "p1", "p5", "p50", "p95", "max"];

    public static double Of(PooledScore p, string name) => name switch
    {
        "mean" => p.Mean,
        "harmonic_mean" => p.HarmonicMean,
        "min" => p.Min,
        "p1" => p.P1,
        "p5" => p.P5,
        "p50" => p.P50,
        "p95" => p.P95,
        "max" => p.Max,
        _ => throw new ArgumentException($"no pooled statistic '{name}'"),
    };
}
