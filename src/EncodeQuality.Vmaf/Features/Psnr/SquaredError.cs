using System.Numerics;
using System.Runtime.InteropServices;

namespace EncodeQuality.Vmaf.Features.Psnr;

/// <summary>
/// Sum of squared differences of two sample planes, with <see cref="Vector{T}"/> (256-bit lanes on
/// AVX2, 128-bit on SSE and NEON) and a scalar reference the vector path is tested against.
/// </summary>
internal static class SquaredError
{
    public static ulong Sum(ReadOnlySpan<ushort> a, ReadOnlySpan<ushort> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("planes differ in size");
        int i = 0, lanes = Vector<ushort>.Count;
        ulong total = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= lanes)
        {
            ref ushort ra = ref MemoryMarshal.GetReference(a);
            ref ushort rb = ref MemoryMarshal.GetReference(b);
            // Samples of up to 10 bits: a step adds at most 2 * 1023^2 per int lane, 512 steps per flush.
            while (i <= a.Length - lanes)
            {
                var acc = Vector<int>.Zero;
                int end = Math.Min(a.Length - lanes, i + lanes * 512);
                for (; i <= end; i += lanes)
                    acc += Squares(Vector.AsVectorInt16(Vector.LoadUnsafe(ref ra, (nuint)i)) - Vector.AsVectorInt16(Vector.LoadUnsafe(ref rb, (nuint)i)));
                total += (ulong)Vector.Sum(Widened(acc));
            }
        }
        for (; i < a.Length; i++)
        {
            long d = a[i] - b[i];
            total += (ulong)(d * d);
        }
        return total;
    }

    /// <summary>Squares of 16-bit differences, pairwise added into 32-bit lanes.</summary>
    private static Vector<int> Squares(Vector<short> d)
    {
        Vector.Widen(d, out Vector<int> lo, out Vector<int> hi);
        return lo * lo + hi * hi;
    }

    /// <summary>Pairwise sums of 32-bit lanes as 64-bit lanes, so the final sum cannot overflow.</summary>
    private static Vector<long> Widened(Vector<int> v)
    {
        Vector.Widen(v, out Vector<long> lo, out Vector<long> hi);
        return lo + hi;
    }

    /// <summary>Reference implementation the vector path is tested against.</summary>
    public static ulong SumScalar<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged, IConvertible
    {
        ulong total = 0;
        for (int i = 0; i < a.Length; i++)
        {
            long d = Convert.ToInt64(a[i]) - Convert.ToInt64(b[i]);
            total += (ulong)(d * d);
        }
        return total;
    }
}
