namespace EncodeQuality.Decisions.Compare;

/// <summary>
/// Piecewise cubic Hermite interpolation through points with strictly increasing x, slopes by
/// Fritsch and Carlson (1980) as SciPy's PchipInterpolator sets them: zero where the data turn,
/// a weighted harmonic mean of the neighbouring secants elsewhere, a shape-preserving three-point
/// estimate at the ends. The curve is monotone wherever the data are.
/// </summary>
public sealed class Pchip
{
    private readonly double[] _x, _y, _d;

    private Pchip(double[] x, double[] y, double[] d) => (_x, _y, _d) = (x, y, d);

    public static Pchip Create(IReadOnlyList<(double X, double Y)> points)
    {
        int n = points.Count;
        if (n < 2) throw new ArgumentException("PCHIP needs at least two points");
        var x = points.Select(p => p.X).ToArray();
        var y = points.Select(p => p.Y).ToArray();
        var h = new double[n - 1];
        var delta = new double[n - 1];
        for (int k = 0; k < n - 1; k++)
        {
            h[k] = x[k + 1] - x[k];
            if (h[k] <= 0) throw new ArgumentException("PCHIP needs strictly increasing x");
            delta[k] = (y[k + 1] - y[k]) / h[k];
        }
        var d = new double[n];
        if (n == 2)
        {
            d[0] = d[1] = delta[0];
            return new Pchip(x, y, d);
        }
        for (int k = 1; k < n - 1; k++)
        {
            if (delta[k - 1] * delta[k] <= 0) continue;
            double w1 = 2 * h[k] + h[k - 1], w2 = h[k] + 2 * h[k - 1];
            d[k] = (w1 + w2) / (w1 / delta[k - 1] + w2 / delta[k]);
        }
        d[0] = EndSlope(h[0], h[1], delta[0], delta[1]);
        d[n - 1] = EndSlope(h[n - 2], h[n - 3], delta[n - 2], delta[n - 3]);
        return new Pchip(x, y, d);
    }

    private static double EndSlope(double h0, double h1, double m0, double m1)
    {
        double d = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1);
        if (Math.Sign(d) != Math.Sign(m0)) return 0;
        if (Math.Sign(m0) != Math.Sign(m1) && Math.Abs(d) > Math.Abs(3 * m0)) return 3 * m0;
        return d;
    }

    public double Evaluate(double x)
    {
        int k = Segment(x);
        double t = x - _x[k];
        var (c2, c3) = Coefficients(k);
        return _y[k] + t * (_d[k] + t * (c2 + t * c3));
    }

    /// <summary>The exact integral of the interpolant from lo to hi (both within the points' range).</summary>
    public double Integral(double lo, double hi)
    {
        double sum = 0;
        for (int k = 0; k < _x.Length - 1; k++)
        {
            double a = Math.Max(lo, _x[k]), b = Math.Min(hi, _x[k + 1]);
            if (b > a) sum += SegmentAntiderivative(k, b - _x[k]) - SegmentAntiderivative(k, a - _x[k]);
        }
        return sum;
    }

    private double SegmentAntiderivative(int k, double t)
    {
        var (c2, c3) = Coefficients(k);
        return t * (_y[k] + t * (_d[k] / 2 + t * (c2 / 3 + t * c3 / 4)));
    }

    /// <summary>y = y_k + d_k t + c2 t² + c3 t³ on segment k, t = x − x_k.</summary>
    private (double C2, double C3) Coefficients(int k)
    {
        double h = _x[k + 1] - _x[k];
        double delta = (_y[k + 1] - _y[k]) / h;
        return ((3 * delta - 2 * _d[k] - _d[k + 1]) / h, (_d[k] + _d[k + 1] - 2 * delta) / (h * h));
    }

    private int Segment(double x)
    {
        int k = Array.BinarySearch(_x, x);
        if (k < 0) k = ~k - 1;
        return Math.Clamp(k, 0, _x.Length - 2);
    }
}
