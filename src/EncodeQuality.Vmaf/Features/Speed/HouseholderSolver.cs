using System.Numerics;
using System.Runtime.CompilerServices;

namespace EncodeQuality.Vmaf.Features.Speed;

/// <summary>
/// Solves A X = B for a small square A in float, as libvmaf's speed.c does: a QR decomposition
/// by Householder reflections applied as explicit matrix products (each reflection I - 2 v v'
/// multiplies the working matrix and the accumulated Q), then back substitution on R X = Q' B.
/// A pivot under 1e-6 makes the system singular. The products keep libvmaf's summation order
/// (i, k, j loops, float accumulation), so the solution follows libvmaf's to its float rounding.
/// </summary>
internal sealed class HouseholderSolver
{
    private const double Eps = 1e-6; // EIGENVALUE_EPS, the smallest pivot

    private readonly int _n, _columns;
    private readonly float[] _q, _r, _reflection, _work, _rect;

    /// <param name="n">A's size.</param>
    /// <param name="columns">B's columns.</param>
    public HouseholderSolver(int n, int columns)
    {
        _n = n;
        _columns = columns;
        _q = new float[n * n];
        _r = new float[n * n];
        _reflection = new float[n * n];
        _work = new float[n * n];
        _rect = new float[n * columns];
    }

    /// <summary>X (n x columns) from A (n x n) and B (n x columns); false when A is singular.</summary>
    public bool Solve(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> x)
    {
        int n = _n;
        Decompose(a);
        // Q comes out transposed, and libvmaf transposes it back before forming Q B.
        Transpose(_q, n);
        Multiply(_rect, _q, b, n, n, _columns);
        for (int i = n - 1; i >= 0; i--)
        {
            float pivot = _r[i * n + i];
            if (MathF.Abs(pivot) < Eps) return false;
            for (int j = 0; j < _columns; j++)
            {
                float term = _rect[i * _columns + j];
                for (int k = i + 1; k < n; k++) term -= x[k * _columns + j] * _r[i * n + k];
                x[i * _columns + j] = term / pivot;
            }
        }
        return true;
    }

    /// <summary>libvmaf's matrix_qr_decomposition: R = Q A with Q the product of the reflections, then Q transposed.</summary>
    private void Decompose(ReadOnlySpan<float> a)
    {
        int n = _n;
        float[] z = _work, q = _q, r = _r, h = _reflection;
        a[..(n * n)].CopyTo(z);
        Identity(q, n);
        // R's buffer serves as the reflection vector and as the product's target, as in libvmaf.
        Span<float> v = r.AsSpan(0, n);
        for (int k = 0; k < n - 1; k++)
        {
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    if (i < k || j < k) z[i * n + j] = i == j ? 1 : 0;
            for (int i = 0; i < n; i++) v[i] = z[i * n + k];
            float norm = Norm(v);
            v[k] += SymmetricEigenvalues.Sign(a[k * n + k]) * norm;
            float length = Norm(v);
            for (int i = 0; i < n; i++) v[i] /= length;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    h[i * n + j] = -2 * v[i] * v[j];
            for (int i = 0; i < n; i++) h[i * n + i] += 1;
            Multiply(r, h, z, n, n, n);
            r.AsSpan(0, n * n).CopyTo(z);
            Multiply(r, h, q, n, n, n);
            r.AsSpan(0, n * n).CopyTo(q);
        }
        Multiply(r, q, a, n, n, n);
        Transpose(q, n);
    }

    private static float Norm(ReadOnlySpan<float> v)
    {
        float sum = 0;
        foreach (float e in v) sum += e * e;
        return (float)Math.Sqrt(sum);
    }

    /// <summary>
    /// dst (rows x cols) = x (rows x inner) y (inner x cols), libvmaf's i, k, j order. The j loop
    /// runs in vector lanes: each element still takes its products in k order, each product and
    /// each sum rounded to float on its own (no fused multiply-add), so the floats are the same.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the QR's n^4 work: fully optimised from the first frame
    private static void Multiply(Span<float> dst, ReadOnlySpan<float> x, ReadOnlySpan<float> y, int rows, int inner, int cols)
    {
        dst[..(rows * cols)].Clear();
        int lanes = Vector<float>.Count;
        for (int i = 0; i < rows; i++)
        {
            var row = dst.Slice(i * cols, cols);
            for (int k = 0; k < inner; k++)
            {
                float xik = x[i * inner + k];
                var from = y.Slice(k * cols, cols);
                int j = 0;
                if (Vector.IsHardwareAccelerated)
                {
                    var xv = new Vector<float>(xik);
                    for (; j + lanes <= cols; j += lanes)
                        (new Vector<float>(row[j..]) + xv * new Vector<float>(from[j..])).CopyTo(row[j..]);
                }
                for (; j < cols; j++) row[j] += xik * from[j];
            }
        }
    }

    private static void Identity(float[] m, int n)
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                m[i * n + j] = i == j ? 1 : 0;
    }

    private static void Transpose(float[] m, int n)
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++)
                (m[i * n + j], m[j * n + i]) = (m[j * n + i], m[i * n + j]);
    }
}
