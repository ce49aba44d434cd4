using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics;

namespace EncodeQuality.Vmaf.Features;

/// <summary>
/// VIF's five filterings of one scale in a single pass: mu1 = f*ref, mu2 = f*dis, f*ref^2, f*dis^2
/// and f*(ref*dis), where f is the scale's symmetric Gaussian. Each row of taps is loaded once for
/// all five outputs; taps symmetric about the centre are paired before multiplying and fused
/// multiply-adds accumulate. Borders mirror as libvmaf's. The result differs from tap-by-tap
/// accumulation only by float rounding; <see cref="SeparableFilter"/> stays the scalar reference.
/// </summary>
internal static class VifFilterBank
{
    public static bool UseSimd { get; set; } = Vector.IsHardwareAccelerated;

    public static void Apply(float[] taps, float[] a, float[] b, int w, int h,
        float[] mu1, float[] mu2, float[] aa, float[] bb, float[] ab, VifBankRows rows)
    {
        if (!UseSimd || w < Vector<float>.Count)
        {
            SeparableFilter.Apply(taps, SeparableFilter.Input.Plain, a, null, mu1, w, h, rows.V0);
            SeparableFilter.Apply(taps, SeparableFilter.Input.Plain, b, null, mu2, w, h, rows.V0);
            SeparableFilter.Apply(taps, SeparableFilter.Input.Squared, a, null, aa, w, h, rows.V0);
            SeparableFilter.Apply(taps, SeparableFilter.Input.Squared, b, null, bb, w, h, rows.V0);
            SeparableFilter.Apply(taps, SeparableFilter.Input.Product, a, b, ab, w, h, rows.V0);
            return;
        }
        int n = taps.Length, r = n / 2;
        Span<int> rowIndex = stackalloc int[n];
        for (int y = 0; y < h; y++)
        {
            for (int k = 0; k < n; k++) rowIndex[k] = Mirror.Index(y - r + k, h) * w;
            Vertical(taps, a, b, rowIndex, w, rows);
            int o = y * w;
            Horizontal(taps, rows.V0, mu1.AsSpan(o, w), w);
            Horizontal(taps, rows.V1, mu2.AsSpan(o, w), w);
            Horizontal(taps, rows.V2, aa.AsSpan(o, w), w);
            Horizontal(taps, rows.V3, bb.AsSpan(o, w), w);
            Horizontal(taps, rows.V4, ab.AsSpan(o, w), w);
        }
    }

    private static void Vertical(float[] taps, float[] a, float[] b, ReadOnlySpan<int> rowIndex, int w, VifBankRows rows)
    {
        int n = taps.Length, r = n / 2;
        ref float ra = ref MemoryMarshal.GetArrayDataReference(a);
        ref float rb = ref MemoryMarshal.GetArrayDataReference(b);
        int x = 0;
        for (; x <= w - Vector<float>.Count; x += Vector<float>.Count)
        {
            var c = new Vector<float>(taps[r]);
            var xa = Vector.LoadUnsafe(ref ra, (nuint)(rowIndex[r] + x));
            var xb = Vector.LoadUnsafe(ref rb, (nuint)(rowIndex[r] + x));
            var s0 = c * xa;
            var s1 = c * xb;
            var s2 = c * (xa * xa);
            var s3 = c * (xb * xb);
            var s4 = c * (xa * xb);
            for (int k = 0; k < r; k++)
            {
                var t = new Vector<float>(taps[k]);
                var pa = Vector.LoadUnsafe(ref ra, (nuint)(rowIndex[k] + x));
                var pb = Vector.LoadUnsafe(ref rb, (nuint)(rowIndex[k] + x));
                var qa = Vector.LoadUnsafe(ref ra, (nuint)(rowIndex[n - 1 - k] + x));
                var qb = Vector.LoadUnsafe(ref rb, (nuint)(rowIndex[n - 1 - k] + x));
                s0 = VectorMath.MulAdd(t, pa + qa, s0);
                s1 = VectorMath.MulAdd(t, pb + qb, s1);
                s2 = VectorMath.MulAdd(t, VectorMath.MulAdd(pa, pa, qa * qa), s2);
                s3 = VectorMath.MulAdd(t, VectorMath.MulAdd(pb, pb, qb * qb), s3);
                s4 = VectorMath.MulAdd(t, VectorMath.MulAdd(pa, pb, qa * qb), s4);
            }
            s0.StoreUnsafe(ref rows.V0[0], (nuint)x);
            s1.StoreUnsafe(ref rows.V1[0], (nuint)x);
            s2.StoreUnsafe(ref rows.V2[0], (nuint)x);
            s3.StoreUnsafe(ref rows.V3[0], (nuint)x);
            s4.StoreUnsafe(ref rows.V4[0], (nuint)x);
        }
        for (; x < w; x++)
        {
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0;
            for (int k = 0; k < n; k++)
            {
                float va = a[rowIndex[k] + x], vb = b[rowIndex[k] + x], t = taps[k];
                s0 += t * va; s1 += t * vb; s2 += t * (va * va); s3 += t * (vb * vb); s4 += t * (va * vb);
            }
            rows.V0[x] = s0; rows.V1[x] = s1; rows.V2[x] = s2; rows.V3[x] = s3; rows.V4[x] = s4;
        }
    }

    /// <summary>One plain symmetric filtering (dst = f * src) with the bank's vector passes.</summary>
    public static void ApplyPlain(float[] taps, float[] src, float[] dst, int w, int h, float[] row)
    {
        int n = taps.Length, r = n / 2;
        Span<int> rowIndex = stackalloc int[n];
        for (int y = 0; y < h; y++)
        {
            for (int k = 0; k < n; k++) rowIndex[k] = Mirror.Index(y - r + k, h) * w;
            VerticalPlain(taps, src, rowIndex, w, row);
            Horizontal(taps, row, dst.AsSpan(y * w, w), w);
        }
    }

    /// <summary>row = vertical pass of f over src at the given (mirrored) rows; taps paired about the centre.</summary>
    private static void VerticalPlain(float[] taps, float[] src, ReadOnlySpan<int> rowIndex, int w, float[] row)
    {
        int n = taps.Length, r = n / 2, x = 0;
        if (UseSimd)
        {
            ref float rs = ref MemoryMarshal.GetArrayDataReference(src);
            for (; x <= w - Vector<float>.Count; x += Vector<float>.Count)
            {
                var acc = new Vector<float>(taps[r]) * Vector.LoadUnsafe(ref rs, (nuint)(rowIndex[r] + x));
                for (int k = 0; k < r; k++)
                    acc = VectorMath.MulAdd(new Vector<float>(taps[k]),
                        Vector.LoadUnsafe(ref rs, (nuint)(rowIndex[k] + x)) + Vector.LoadUnsafe(ref rs, (nuint)(rowIndex[n - 1 - k] + x)), acc);
                acc.StoreUnsafe(ref row[0], (nuint)x);
            }
        }
        for (; x < w; x++)
        {
            float acc = 0;
            for (int k = 0; k < n; k++) acc += taps[k] * src[rowIndex[k] + x];
            row[x] = acc;
        }
    }

    /// <summary>
    /// The low-pass before a 2x decimation, evaluated only where the decimation samples it:
    /// dst(i, j) = (f * src)(2i, 2j) for i &lt; h/2, j &lt; w/2. Same arithmetic per output as the full
    /// filter, a quarter of the outputs.
    /// </summary>
    public static void FilterDecimate(float[] taps, float[] src, int w, int h, float[] dst, float[] row)
    {
        int n = taps.Length, r = n / 2, ow = w / 2, oh = h / 2;
        Span<int> rowIndex = stackalloc int[n];
        for (int i = 0; i < oh; i++)
        {
            int y = 2 * i;
            for (int k = 0; k < n; k++) rowIndex[k] = Mirror.Index(y - r + k, h) * w;
            VerticalPlain(taps, src, rowIndex, w, row);
            int o = i * ow;
            int j = 0;
            if (UseSimd)
            {
                // Interior outputs a vector at a time: the 2j-spaced centres are gathered from the row
                // as even lanes of two vector filter results.
                ref float rr = ref row[0];
                int jStart = (r + 1) / 2, jEnd = (w - r - 1) / 2; // 2j - r >= 0 and 2j + r < w
                for (j = 0; j < Math.Min(jStart, ow); j++) dst[o + j] = TapSum(taps, row, 2 * j, w);
                int lanes = Vector<float>.Count;
                for (; j + lanes <= jEnd + 1 && j + lanes <= ow; j += lanes)
                {
                    int cx = 2 * j;
                    var a0 = new Vector<float>(taps[r]) * Vector.LoadUnsafe(ref rr, (nuint)cx);
                    var a1 = new Vector<float>(taps[r]) * Vector.LoadUnsafe(ref rr, (nuint)(cx + lanes));
                    for (int k = 0; k < r; k++)
                    {
                        var t = new Vector<float>(taps[k]);
                        a0 = VectorMath.MulAdd(t, Vector.LoadUnsafe(ref rr, (nuint)(cx - r + k)) + Vector.LoadUnsafe(ref rr, (nuint)(cx + r - k)), a0);
                        a1 = VectorMath.MulAdd(t, Vector.LoadUnsafe(ref rr, (nuint)(cx + lanes - r + k)) + Vector.LoadUnsafe(ref rr, (nuint)(cx + lanes + r - k)), a1);
                    }
                    VectorMath.EvenLanes(a0, a1).StoreUnsafe(ref dst[0], (nuint)(o + j));
                }
            }
            for (; j < ow; j++) dst[o + j] = TapSum(taps, row, 2 * j, w);
        }
    }

    /// <summary>One output of the horizontal pass at centre cx, mirrored where the taps leave the row.</summary>
    private static float TapSum(float[] taps, float[] row, int cx, int w)
    {
        int r = taps.Length / 2;
        float acc = 0;
        if (cx >= r && cx + r < w)
            for (int k = 0; k < taps.Length; k++) acc += taps[k] * row[cx - r + k];
        else
            for (int k = 0; k < taps.Length; k++) acc += taps[k] * row[Mirror.Index(cx - r + k, w)];
        return acc;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Horizontal(float[] taps, float[] row, Span<float> dst, int w)
    {
        int n = taps.Length, r = n / 2;
        int lo = Math.Min(r, w), hi = Math.Max(lo, w - r);
        for (int x = 0; x < lo; x++) dst[x] = TapSum(taps, row, x, w);
        int xs = lo;
        ref float rr = ref row[0];
        ref float rd = ref MemoryMarshal.GetReference(dst);
        for (; xs + Vector<float>.Count <= hi; xs += Vector<float>.Count)
        {
            var acc = new Vector<float>(taps[r]) * Vector.LoadUnsafe(ref rr, (nuint)xs);
            for (int k = 0; k < r; k++)
                acc = VectorMath.MulAdd(new Vector<float>(taps[k]),
                    Vector.LoadUnsafe(ref rr, (nuint)(xs - r + k)) + Vector.LoadUnsafe(ref rr, (nuint)(xs + r - k)), acc);
            acc.StoreUnsafe(ref rd, (nuint)xs);
        }
        for (; xs < hi; xs++)
        {
            float acc = 0;
            for (int k = 0; k < n; k++) acc += taps[k] * row[xs - r + k];
            dst[xs] = acc;
        }
        for (int x = hi; x < w; x++) dst[x] = TapSum(taps, row, x, w);
    }
}

/// <summary>The five vertical-pass rows of <see cref="VifFilterBank"/>.</summary>
internal sealed class VifBankRows(int width)
{
    public readonly float[] V0 = new float[width], V1 = new float[width], V2 = new float[width], V3 = new float[width], V4 = new float[width];
}
