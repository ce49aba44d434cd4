using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics;

namespace EncodeQuality.Vmaf.Features;

/// <summary>
/// Symmetric separable FIR filtering with libvmaf's mirrored borders: a vertical pass into a row
/// buffer, then a horizontal pass, float accumulation in tap order (as libvmaf's C path).
/// The vector path computes eight columns at a time with the same per-column arithmetic, so both
/// paths give identical results; the scalar one stays as the readable reference.
/// </summary>
internal static class SeparableFilter
{
    public enum Input { Plain, Squared, Product }

    /// <summary>Off only where the runtime offers no vectors (DOTNET_EnableHWIntrinsic=0 in the tests' scalar runs).</summary>
    private static bool UseSimd => Vector.IsHardwareAccelerated;

    /// <summary>dst = filter(a), filter(a*a) or filter(a*b), all w x h packed.</summary>
    public static void Apply(ReadOnlySpan<float> taps, Input mode, float[] a, float[]? b, float[] dst, int w, int h, float[] row)
    {
        int r = taps.Length / 2;
        Span<int> rows = stackalloc int[taps.Length];
        for (int y = 0; y < h; y++)
        {
            for (int k = 0; k < taps.Length; k++) rows[k] = Mirror.Index(y - r + k, h) * w;
            Vertical(taps, mode, a, b, rows, row, w);
            Horizontal(taps, row, dst.AsSpan(y * w, w), w);
        }
    }

    /// <summary>
    /// dst[i * outW + j] = filter(a) at row i * step, column j * step: what <see cref="Apply"/>
    /// followed by keeping every step-th sample gives, the same sums in the same order, but only
    /// the kept rows are filtered vertically and only the kept columns horizontally.
    /// </summary>
    public static void ApplyDecimated(ReadOnlySpan<float> taps, float[] a, float[] dst, int w, int h, int step, int outW, int outH, float[] row)
    {
        int r = taps.Length / 2;
        Span<int> rows = stackalloc int[taps.Length];
        for (int i = 0; i < outH; i++)
        {
            for (int k = 0; k < taps.Length; k++) rows[k] = Mirror.Index(i * step - r + k, h) * w;
            Vertical(taps, Input.Plain, a, null, rows, row, w);
            for (int j = 0; j < outW; j++) dst[i * outW + j] = EdgeTap(taps, row, j * step, w);
        }
    }

    private static void Vertical(ReadOnlySpan<float> taps, Input mode, float[] a, float[]? b, ReadOnlySpan<int> rows, float[] row, int w)
    {
        int x = 0;
        if (UseSimd)
        {
            ref float ra = ref MemoryMarshal.GetArrayDataReference(a);
            ref float rb = ref b is null ? ref ra : ref MemoryMarshal.GetArrayDataReference(b);
            for (; x <= w - Vector<float>.Count; x += Vector<float>.Count)
            {
                var acc = Vector<float>.Zero;
                for (int k = 0; k < taps.Length; k++)
                {
                    var v = Vector.LoadUnsafe(ref ra, (nuint)(rows[k] + x));
                    if (mode == Input.Squared) v *= v;
                    else if (mode == Input.Product) v *= Vector.LoadUnsafe(ref rb, (nuint)(rows[k] + x));
                    acc += new Vector<float>(taps[k]) * v;
                }
                acc.StoreUnsafe(ref row[0], (nuint)x);
            }
        }
        for (; x < w; x++)
        {
            float acc = 0;
            for (int k = 0; k < taps.Length; k++)
            {
                float v = a[rows[k] + x];
                if (mode == Input.Squared) v *= v;
                else if (mode == Input.Product) v *= b![rows[k] + x];
                acc += taps[k] * v;
            }
            row[x] = acc;
        }
    }

    private static void Horizontal(ReadOnlySpan<float> taps, float[] row, Span<float> dst, int w)
    {
        int r = taps.Length / 2;
        // Edges (mirrored) scalar; the interior, where every tap is inside the row, vectorised.
        int lo = Math.Min(r, w), hi = Math.Max(lo, w - r);
        for (int x = 0; x < lo; x++) dst[x] = EdgeTap(taps, row, x, w);
        int xs = lo;
        if (UseSimd)
        {
            ref float rr = ref row[0];
            for (; xs + Vector<float>.Count <= hi; xs += Vector<float>.Count)
            {
                var acc = Vector<float>.Zero;
                for (int k = 0; k < taps.Length; k++)
                    acc += new Vector<float>(taps[k]) * Vector.LoadUnsafe(ref rr, (nuint)(xs - r + k));
                acc.StoreUnsafe(ref MemoryMarshal.GetReference(dst), (nuint)xs);
            }
        }
        for (; xs < hi; xs++)
        {
            float acc = 0;
            for (int k = 0; k < taps.Length; k++) acc += taps[k] * row[xs - r + k];
            dst[xs] = acc;
        }
        for (int x = hi; x < w; x++) dst[x] = EdgeTap(taps, row, x, w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float EdgeTap(ReadOnlySpan<float> taps, float[] row, int x, int w)
    {
        int r = taps.Length / 2;
        float acc = 0;
        for (int k = 0; k < taps.Length; k++) acc += taps[k] * row[Mirror.Index(x - r + k, w)];
        return acc;
    }
}
