namespace EncodeQuality.Vmaf.Features.Speed;

/// <summary>
/// Eigenvalues of a small symmetric matrix in float, as libvmaf's speed.c computes them (its
/// adaptation of GSL's gsl_linalg_symmtd_decomp and gsl_eigen_symm): Householder reduction to a
/// tridiagonal matrix, then implicit QR steps with a Wilkinson shift, chopping negligible
/// off-diagonal elements, at most 500 steps. Every operation keeps libvmaf's float and double
/// roundings (C promotes to double where a double literal or a math function enters), so the
/// values follow libvmaf's rather than a more accurate solver's.
/// </summary>
internal sealed class SymmetricEigenvalues
{
    private const double Eps = 1e-6;      // EIGENVALUE_EPS
    private const int MaxIterations = 500;  // EIGENVALUE_MAX_ITERS

    private readonly int _n;
    private readonly float[] _a, _d, _sd, _v, _x;

    public SymmetricEigenvalues(int n)
    {
        _n = n;
        _a = new float[n * n];
        _d = new float[n];
        _sd = new float[n];
        _v = new float[n];
        _x = new float[n];
    }

    /// <summary>Writes the eigenvalues of the n x n matrix (row-major, symmetric) in the solver's order.</summary>
    public void Compute(ReadOnlySpan<float> matrix, Span<float> eigenvalues)
    {
        matrix[..(_n * _n)].CopyTo(_a);
        if (_n == 1)
        {
            eigenvalues[0] = _a[0];
            return;
        }
        Tridiagonalise();
        Diagonalise();
        _d.AsSpan(0, _n).CopyTo(eigenvalues);
    }

    private void Tridiagonalise()
    {
        int n = _n;
        float[] a = _a, v = _v, x = _x;
        for (int i = 0; i < n - 2; i++)
        {
            float tau = Householder(i, i + 1);
            for (int j = i + 1; j < n; j++) v[j] = a[j * n + i];
            if (tau == 0.0f) continue;
            a[(i + 1) * n + i] = v[i + 1];
            v[i + 1] = 1.0f;
            int s = i + 1;
            for (int r = s; r < n; r++)
            {
                x[r] = 0.0f;
                for (int c = s; c < n; c++) x[r] += tau * a[r * n + c] * v[c];
            }
            float xv = 0;
            for (int r = s; r < n; r++) xv += x[r] * v[r];
            float alpha = (float)(-0.5 * tau * xv);
            for (int r = s; r < n; r++) x[r] += alpha * v[r];
            for (int r = s; r < n; r++)
                for (int c = s; c < n; c++)
                    a[r * n + c] -= x[r] * v[c] + v[r] * x[c];
        }
        for (int i = 0; i < n; i++) _d[i] = a[i * n + i];
        for (int i = 0; i < n - 1; i++) _sd[i] = a[(i + 1) * n + i];
    }

    /// <summary>The reflection that zeroes column <paramref name="col"/> below <paramref name="start"/>; returns tau.</summary>
    private float Householder(int col, int start)
    {
        int n = _n;
        float[] a = _a;
        if (n - start == 1) return 0.0f;
        float norm = 0;
        for (int i = start + 1; i < n; i++) norm += a[i * n + col] * a[i * n + col];
        float xnorm = (float)Math.Sqrt(norm);
        if (xnorm == 0.0f) return 0.0f;
        float alpha = a[start * n + col];
        float beta = -Sign(alpha) * Hypot(alpha, xnorm);
        float tau = (beta - alpha) / beta;
        float s = alpha - beta;
        if (s != 0.0f)
        {
            for (int i = start; i < n; i++) a[i * n + col] /= s;
            a[start * n + col] = beta;
        }
        return tau;
    }

    private void Diagonalise()
    {
        Chop(0, _n);
        int b = _n - 1, iterations = 0;
        while (b > 0 && iterations < MaxIterations)
        {
            if (_sd[b - 1] == 0.0f)
            {
                b--;
                continue;
            }
            int a = b - 1;
            while (a > 0 && _sd[a - 1] != 0.0f) a--;
            QrStep(a, b - a + 1);
            Chop(a, b - a + 1);
            iterations++;
        }
    }

    private void Chop(int at, int n)
    {
        for (int i = at; i < at + n - 1; i++)
            if (MathF.Abs(_sd[i]) < Eps * (MathF.Abs(_d[i]) + MathF.Abs(_d[i + 1]))) _sd[i] = 0.0f;
    }

    private float TrailingEigenvalue(int at, int n)
    {
        float ta = _d[at + n - 2], tb = _d[at + n - 1], tab = _sd[at + n - 2];
        float dt = (float)((ta - tb) / 2.0);
        if (dt > 0) return tb - tab * (tab / (dt + Hypot(dt, tab)));
        if (dt == 0) return tb - MathF.Abs(tab);
        return tb + tab * (tab / (-dt + Hypot(dt, tab)));
    }

    /// <summary>One implicit symmetric QR step on the block of n starting at <paramref name="at"/>.</summary>
    private void QrStep(int at, int n)
    {
        float[] d = _d, sd = _sd;
        float mu = TrailingEigenvalue(at, n);
        if (Eps * MathF.Abs(mu) > MathF.Abs(d[at]) + MathF.Abs(sd[at])) mu = 0;
        float x = d[at] - mu, z = sd[at];
        float ak, bk = 0, zk = 0;
        float ap = d[at], bp = sd[at], aq = d[at + 1];
        float c, s, ap1, bp1, aq1;
        if (n == 2)
        {
            Givens(x, z, out c, out s);
            ap1 = c * (c * ap - s * bp) + s * (s * aq - c * bp);
            bp1 = c * (s * ap + c * bp) - s * (s * bp + c * aq);
            aq1 = s * (s * ap + c * bp) + c * (s * bp + c * aq);
            d[at] = ap1;
            sd[at] = bp1;
            d[at + 1] = aq1;
            return;
        }
        float bq = sd[at + 1];
        for (int k = 0; k < n - 1; k++)
        {
            Givens(x, z, out c, out s);
            float bk1 = c * bk - s * zk;
            ap1 = c * (c * ap - s * bp) + s * (s * aq - c * bp);
            bp1 = c * (s * ap + c * bp) - s * (s * bp + c * aq);
            float zp1 = -s * bq;
            aq1 = s * (s * ap + c * bp) + c * (s * bp + c * aq);
            float bq1 = c * bq;
            ak = ap1;
            bk = bp1;
            zk = zp1;
            ap = aq1;
            bp = bq1;
            if (k < n - 2) aq = d[at + k + 2];
            if (k < n - 3) bq = sd[at + k + 2];
            d[at + k] = ak;
            if (k > 0) sd[at + k - 1] = bk1;
            if (k < n - 2) sd[at + k + 1] = bp;
            x = bk;
            z = zk;
        }
        d[at + n - 1] = ap;
        sd[at + n - 2] = bk;
    }

    private static void Givens(float a, float b, out float c, out float s)
    {
        if (b == 0)
        {
            c = 1;
            s = 0;
        }
        else if (MathF.Abs(b) > MathF.Abs(a))
        {
            float t = -a / b;
            float s1 = (float)(1.0 / Math.Sqrt(1 + t * t));
            s = s1;
            c = s1 * t;
        }
        else
        {
            float t = -b / a;
            float c1 = (float)(1.0 / Math.Sqrt(1 + t * t));
            c = c1;
            s = c1 * t;
        }
    }

    internal static int Sign(float x) => x >= 0 ? 1 : -1;

    internal static float Hypot(float x, float y) => (float)Math.Sqrt(x * x + y * y);
}
