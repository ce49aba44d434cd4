namespace EncodeQuality.Model;

/// <summary>Pooled statistics of one feature over a run, as libvmaf reports them plus percentiles.</summary>
public readonly record struct PooledScore(double Min, double Max, double Mean, double HarmonicMean,
    double P1, double P5, double P50, double P95)
{
    public static PooledScore Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values to pool");
        var sorted = values.ToArray();
        Array.Sort(sorted);
        double sum = 0, inv = 0;
        foreach (var v in sorted)
        {
            sum += v;
            // libvmaf's harmonic mean: n / sum(1 / (x + 1)) - 1, defined for scores near zero.
            inv += 1.0 / (v + 1.0);
        }
        return new PooledScore(sorted[0], sorted[^1], sum / sorted.Length, sorted.Length / inv - 1.0,
            Percentile(sorted, 1), Percentile(sorted, 5), Percentile(sorted, 50), Percentile(sorted, 95));
    }

    /// <summary>Linear interpolation between closest ranks (numpy's default).</summary>
    public static double Percentile(double[] sorted, double p)
    {
        double rank = p / 100.0 * (sorted.Length - 1);
        int lo = (int)Math.Floor(rank);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }
}
