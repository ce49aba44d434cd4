using EncodeQuality.Decisions.Compare;

namespace EncodeQuality.Tests;

/// <summary>
/// BD-rate and BD-VMAF against exact answers: a constant rate ratio at the same qualities shifts
/// log-rate by a constant, so BD-rate is exactly that ratio minus one, whatever the interpolant.
/// And against a second implementation written here: SciPy's PCHIP slopes and a least-squares
/// cubic, integrated numerically (composite Simpson), on real ladders.
/// </summary>
public class BdRateTests
{
    private static readonly RatePoint[] Ladder =
        [new(230, 61.2), new(480, 72.9), new(950, 83.4), new(1900, 90.1), new(3600, 94.7), new(6200, 96.9)];

    private static RatePoint[] Scaled(IEnumerable<RatePoint> p, double factor) => [.. p.Select(x => x with { Kbps = x.Kbps * factor })];

    [Theory]
    [InlineData(BdMethod.Pchip)]
    [InlineData(BdMethod.Cubic)]
    public void Exact_answers(BdMethod method)
    {
        Assert.Equal(0, BdRate.Rate(Ladder, Ladder, method).Value!.Value, 1e-12);
        Assert.Equal(0, BdRate.Quality(Ladder, Ladder, method).Value!.Value, 1e-12);
        Assert.Equal(-10.00, BdRate.Rate(Ladder, Scaled(Ladder, 0.9), method).Value!.Value, 0.01);
        Assert.Equal(25.00, BdRate.Rate(Ladder, Scaled(Ladder, 1.25), method).Value!.Value, 0.01);
        // The other way round the same curves give the inverse ratio.
        Assert.Equal(-20.00, BdRate.Rate(Scaled(Ladder, 1.25), Ladder, method).Value!.Value, 0.01);
    }

    [Fact]
    public void Too_few_points_or_no_overlap_is_not_computable()
    {
        var low = Ladder.Take(3).ToArray();
        var r = BdRate.Rate(low, low, BdMethod.Pchip);
        Assert.Null(r.Value);
        Assert.Contains("at least 4 rate points", r.NotComputable);
        RatePoint[] high = [new(8000, 97.5), new(9000, 98.0), new(10000, 98.4), new(12000, 98.9)];
        RatePoint[] lower = [new(100, 40), new(200, 50), new(300, 60), new(400, 70)];
        var none = BdRate.Rate(lower, high, BdMethod.Cubic);
        Assert.Null(none.Value);
        Assert.Contains("do not overlap", none.NotComputable);
        Assert.Contains("do not overlap", BdRate.Quality(lower, high, BdMethod.Pchip).NotComputable);
    }

    /// <summary>Real ladders: x264 medium and ultrafast on the 720p clip, as eq encoded them (VMAF at source size).</summary>
    public static TheoryData<BdMethod> Methods => new() { BdMethod.Pchip, BdMethod.Cubic };

    [Theory]
    [MemberData(nameof(Methods))]
    public void Agrees_with_an_independent_implementation(BdMethod method)
    {
        RatePoint[] medium = [new(107.2, 40.06), new(208.1, 61.41), new(391.3, 75.49), new(955.8, 89.81), new(1953.0, 96.62)];
        RatePoint[] ultrafast = [new(599.4, 41.68), new(1108.4, 61.37), new(1984.0, 75.36), new(4026.3, 90.59), new(6698.2, 95.62)];
        bool pchip = method == BdMethod.Pchip;
        // Simpson's rule and the uncentred normal equations carry their own rounding: 1e-4 percent (or VMAF) is far below any decision.
        Assert.Equal(Independent.BdRate(medium, ultrafast, pchip), BdRate.Rate(medium, ultrafast, method).Value!.Value, 1e-4);
        Assert.Equal(Independent.BdQuality(medium, ultrafast, pchip), BdRate.Quality(medium, ultrafast, method).Value!.Value, 1e-4);
        // A curve of another shape: the same ladder 1.5 VMAF lower and with a bend in the middle.
        var bent = Ladder.Select((p, i) => p with { Quality = p.Quality - 1.5 - (i == 2 ? 3 : 0) }).ToArray();
        Assert.Equal(Independent.BdRate(Ladder, bent, pchip), BdRate.Rate(Ladder, bent, method).Value!.Value, 1e-4);
        Assert.Equal(Independent.BdQuality(Ladder, bent, pchip), BdRate.Quality(Ladder, bent, method).Value!.Value, 1e-4);
    }

    /// <summary>Written from the formulas, apart from the code under test: evaluate, then integrate with Simpson's rule.</summary>
    internal static class Independent
    {
        public static double BdRate(RatePoint[] a, RatePoint[] b, bool pchip)
        {
            double d = MeanGap(a.Select(p => (p.Quality, Math.Log(p.Kbps))), b.Select(p => (p.Quality, Math.Log(p.Kbps))), pchip);
            return (Math.Exp(d) - 1) * 100;
        }

        public static double BdQuality(RatePoint[] a, RatePoint[] b, bool pchip) =>
            MeanGap(a.Select(p => (Math.Log(p.Kbps), p.Quality)), b.Select(p => (Math.Log(p.Kbps), p.Quality)), pchip);

        private static double MeanGap(IEnumerable<(double X, double Y)> a, IEnumerable<(double X, double Y)> b, bool pchip)
        {
            var pa = a.OrderBy(p => p.X).ToArray();
            var pb = b.OrderBy(p => p.X).ToArray();
            Func<double, double> fa = pchip ? Hermite(pa) : Cubic(pa), fb = pchip ? Hermite(pb) : Cubic(pb);
            double lo = Math.Max(pa[0].X, pb[0].X), hi = Math.Min(pa[^1].X, pb[^1].X);
            // Simpson on a grid that includes every knot, so each piece is integrated as the smooth cubic it is.
            var knots = pa.Concat(pb).Select(p => p.X).Where(x => x > lo && x < hi).Append(lo).Append(hi).Distinct().Order().ToArray();
            double sum = 0;
            for (int k = 0; k + 1 < knots.Length; k++)
            {
                const int n = 200;
                double h = (knots[k + 1] - knots[k]) / n;
                for (int i = 0; i < n; i += 2)
                {
                    double x0 = knots[k] + i * h;
                    sum += h / 3 * (G(x0) + 4 * G(x0 + h) + G(x0 + 2 * h));
                }
            }
            return sum / (hi - lo);
            double G(double x) => fb(x) - fa(x);
        }

        private static Func<double, double> Hermite((double X, double Y)[] p)
        {
            int n = p.Length;
            var h = Enumerable.Range(0, n - 1).Select(k => p[k + 1].X - p[k].X).ToArray();
            var m = Enumerable.Range(0, n - 1).Select(k => (p[k + 1].Y - p[k].Y) / h[k]).ToArray();
            var d = new double[n];
            for (int k = 1; k < n - 1; k++)
                d[k] = m[k - 1] * m[k] > 0 ? (3 * h[k - 1] + 3 * h[k]) / ((2 * h[k] + h[k - 1]) / m[k - 1] + (h[k] + 2 * h[k - 1]) / m[k]) : 0;
            double End(double h0, double h1, double m0, double m1)
            {
                double e = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1);
                return Math.Sign(e) != Math.Sign(m0) ? 0 : Math.Sign(m0) != Math.Sign(m1) && Math.Abs(e) > 3 * Math.Abs(m0) ? 3 * m0 : e;
            }
            d[0] = End(h[0], h[1], m[0], m[1]);
            d[n - 1] = End(h[n - 2], h[n - 3], m[n - 2], m[n - 3]);
            return x =>
            {
                int k = Math.Clamp(Array.FindLastIndex(p, q => q.X <= x), 0, n - 2);
                double t = (x - p[k].X) / h[k];
                // The Hermite basis functions, in their textbook form.
                double h00 = 2 * t * t * t - 3 * t * t + 1, h10 = t * t * t - 2 * t * t + t, h01 = -2 * t * t * t + 3 * t * t, h11 = t * t * t - t * t;
                return h00 * p[k].Y + h10 * h[k] * d[k] + h01 * p[k + 1].Y + h11 * h[k] * d[k + 1];
            };
        }

        /// <summary>Least squares through the 4x4 normal equations, solved by Cramer's rule on raw (uncentred) powers.</summary>
        private static Func<double, double> Cubic((double X, double Y)[] p)
        {
            var a = new double[4, 4];
            var r = new double[4];
            foreach (var (x, y) in p)
                for (int i = 0; i < 4; i++)
                {
                    r[i] += Math.Pow(x, i) * y;
                    for (int j = 0; j < 4; j++) a[i, j] += Math.Pow(x, i + j);
                }
            double det = Det(a);
            var c = new double[4];
            for (int k = 0; k < 4; k++)
            {
                var ak = (double[,])a.Clone();
                for (int i = 0; i < 4; i++) ak[i, k] = r[i];
                c[k] = Det(ak) / det;
            }
            return x => c[0] + c[1] * x + c[2] * x * x + c[3] * x * x * x;
        }

        private static double Det(double[,] m)
        {
            int n = m.GetLength(0);
            if (n == 1) return m[0, 0];
            double sum = 0;
            for (int col = 0; col < n; col++)
            {
                var minor = new double[n - 1, n - 1];
                for (int i = 1; i < n; i++)
                    for (int j = 0, mj = 0; j < n; j++)
                        if (j != col) minor[i - 1, mj++] = m[i, j];
                sum += (col % 2 == 0 ? 1 : -1) * m[0, col] * Det(minor);
            }
            return sum;
        }
    }
}
