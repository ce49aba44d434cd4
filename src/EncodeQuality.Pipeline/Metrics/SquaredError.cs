using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EncodeQuality.Pipeline.Metrics;

/// <summary>Sum of squared differences of two sample planes, vectorised where the CPU allows.</summary>
public static class SquaredError
{
    public static ulong Sum(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("planes differ in size");
        int i = 0;
        ulong total = 0;
        if (Avx2.IsSupported && a.Length >= 32)
        {
            ref byte ra = ref MemoryMarshal.GetReference(a);
            ref byte rb = ref MemoryMarshal.GetReference(b);
            // 32 bytes a step; each step adds at most 2 * 2 * 255^2 per int lane, so flushing the
            // int accumulator every 4096 steps stays far below int overflow.
            while (i <= a.Length - 32)
            {
                Vector256<int> acc = Vector256<int>.Zero;
                int end = Math.Min(a.Length - 32, i + 32 * 4096);
                for (; i <= end; i += 32)
                {
                    var va = Vector256.LoadUnsafe(ref ra, (nuint)i);
                    var vb = Vector256.LoadUnsafe(ref rb, (nuint)i);
                    var (alo, ahi) = Vector256.Widen(va);
                    var (blo, bhi) = Vector256.Widen(vb);
                    var dlo = (alo.AsInt16() - blo.AsInt16());
                    var dhi = (ahi.AsInt16() - bhi.AsInt16());
                    acc += Avx2.MultiplyAddAdjacent(dlo, dlo) + Avx2.MultiplyAddAdjacent(dhi, dhi);
                }
                total += WidenSum(acc);
            }
        }
        for (; i < a.Length; i++)
        {
            int d = a[i] - b[i];
            total += (ulong)(d * d);
        }
        return total;
    }

    public static ulong Sum(ReadOnlySpan<ushort> a, ReadOnlySpan<ushort> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("planes differ in size");
        int i = 0;
        ulong total = 0;
        if (Avx2.IsSupported && a.Length >= 16)
        {
            ref ushort ra = ref MemoryMarshal.GetReference(a);
            ref ushort rb = ref MemoryMarshal.GetReference(b);
            // Samples up to 16 bits' depth of 10: a difference fits a short and each madd lane
            // adds at most 2 * 1023^2, so 256 steps per flush cannot overflow an int.
            while (i <= a.Length - 16)
            {
                Vector256<int> acc = Vector256<int>.Zero;
                int end = Math.Min(a.Length - 16, i + 16 * 256);
                for (; i <= end; i += 16)
                {
                    var d = Vector256.LoadUnsafe(ref ra, (nuint)i).AsInt16() - Vector256.LoadUnsafe(ref rb, (nuint)i).AsInt16();
                    acc += Avx2.MultiplyAddAdjacent(d, d);
                }
                total += WidenSum(acc);
            }
        }
        for (; i < a.Length; i++)
        {
            long d = a[i] - b[i];
            total += (ulong)(d * d);
        }
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong WidenSum(Vector256<int> acc)
    {
        var (lo, hi) = Vector256.Widen(acc.AsUInt32());
        return Vector256.Sum(lo + hi);
    }

    /// <summary>Reference implementation the SIMD path is tested against.</summary>
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
