namespace EncodeQuality.Decisions.Compare;

public enum BdMethod { Pchip, Cubic }

/// <summary>One rung as a rate-quality point.</summary>
public readonly record struct RatePoint(double Kbps, double Quality);

/// <summary>A Bjøntegaard delta, or why it cannot be computed honestly.</summary>
public sealed record BdResult(double? Value, string? NotComputable)
{
    public static BdResult Of(double v) => new(v, null);
    public static BdResult No(string why) => new(null, why);
}

/// <summary>
/// Bjøntegaard deltas between two rate-quality curves (VCEG-M33; VMAF as the quality):
/// - BD-rate: the average difference of log-rate at equal quality over the qualities both curves
///   cover, as a percent bitrate change of NEW against BASE;
/// - BD-quality: the average difference of quality at equal log-rate over the rates both cover.
/// Pchip interpolates piecewise cubic Hermite with Fritsch–Carlson slopes (monotone, what current
/// JVET and AOM tools use); Cubic fits one third-order polynomial by least squares (VCEG-M33).
/// Both integrate their curve exactly. Fewer than 4 points or no overlap is "not computable".
/// </summary>
public static class BdRate
{
    public const int MinimumPoints = 4;

    public static BdResult Rate(IReadOnlyList<RatePoint> baseline, IReadOnlyList<RatePoint> candidate, BdMethod method)
    {
        var d = Delta([.. baseline.Select(p => (p.Quality, Math.Log(p.Kbps)))], [.. candidate.Select(p => (p.Quality, Math.Log(p.Kbps)))],
            method, "quality");
        return d.Value is { } v ? BdResult.Of((Math.Exp(v) - 1) * 100) : d;
    }

    public static BdResult Quality(IReadOnlyList<RatePoint> baseline, IReadOnlyList<RatePoint> candidate, BdMethod method) =>
        Delta([.. baseline.Select(p => (Math.Log(p.Kbps), p.Quality))], [.. candidate.Select(p => (Math.Log(p.Kbps), p.Quality))], method, "bitrate");

    /// <summary>The mean of (candidate − baseline) over the x range both cover.</summary>
    private static BdResult Delta((double X, double Y)[] a, (double X, double Y)[] b, BdMethod method, string axis)
    {
        if (a.Length < MinimumPoints || b.Length < MinimumPoints)
            return BdResult.No($"needs at least {MinimumPoints} rate points on each side, has {a.Length} and {b.Length}");
        if (a.Concat(b).Any(p => !double.IsFinite(p.X) || !double.IsFinite(p.Y))) return BdResult.No("a rate point is not a finite number");
        Array.Sort(a, (p, q) => p.X.CompareTo(q.X));
        Array.Sort(b, (p, q) => p.X.CompareTo(q.X));
        double lo = Math.Max(a[0].X, b[0].X), hi = Math.Min(a[^1].X, b[^1].X);
        if (lo >= hi) return BdResult.No($"the curves do not overlap in {axis}");
        if (method == BdMethod.Pchip && (HasTies(a) || HasTies(b))) return BdResult.No($"two rate points of one side share a {axis}");
        double ia = Integral(a, lo, hi, method), ib = Integral(b, lo, hi, method);
        return BdResult.Of((ib - ia) / (hi - lo));
    }

    private static bool HasTies((double X, double Y)[] p)
    {
        for (int i = 1; i < p.Length; i++)
            if (p[i].X <= p[i - 1].X) return true;
        return false;
    }

    private static double Integral((double X, double Y)[] p, double lo, double hi, BdMethod method) =>
        method == BdMethod.Pchip ? Pchip.Create(p).Integral(lo, hi) : CubicFit(p).Integral(lo, hi);

    /// <summary>A least-squares cubic y = c0 + c1 t + c2 t² + c3 t³ in t = x − mean(x) (centred for conditioning).</summary>
    private static Polynomial CubicFit((double X, double Y)[] p)
    {
        double centre = p.Average(q => q.X);
        var m = new double[4, 5];
        foreach (var (x, y) in p)
        {
            double t = x - centre;
            Span<double> powers = [1, t, t * t, t * t * t];
            for (int r = 0; r < 4; r++)
            {
                for (int c = 0; c < 4; c++) m[r, c] += powers[r] * powers[c];
                m[r, 4] += powers[r] * y;
            }
        }
        // Gaussian elimination with partial pivoting on the normal equations.
        for (int col = 0; col < 4; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < 4; r++)
                if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col])) pivot = r;
            for (int c = 0; c < 5; c++) (m[col, c], m[pivot, c]) = (m[pivot, c], m[col, c]);
            for (int r = 0; r < 4; r++)
            {
                if (r == col) continue;
                double f = m[r, col] / m[col, col];
                for (int c = col; c < 5; c++) m[r, c] -= f * m[col, c];
            }
        }
        return new Polynomial(centre, [m[0, 4] / m[0, 0], m[1, 4] / m[1, 1], m[2, 4] / m[2, 2], m[3, 4] / m[3, 3]]);
    }

    private sealed record Polynomial(double Centre, double[] C)
    {
        private double Antiderivative(double x)
        {
            double t = x - Centre;
            return t * (C[0] + t * (C[1] / 2 + t * (C[2] / 3 + t * C[3] / 4)));
        }

        public double Integral(double lo, double hi) => Antiderivative(hi) - Antiderivative(lo);
    }
}
