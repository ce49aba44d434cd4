using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EncodeQuality.Vmaf.Features.Integer;

/// <summary>
/// VIF's per-pixel statistic (<see cref="IntegerVifExtractor.Accumulate"/>) for eight pixels at a
/// time. It needs what <c>Vector&lt;T&gt;</c> cannot express: per-lane leading-zero counts and shifts
/// (AVX-512 CD, AVX2) to index libvmaf's log2 table, gathers from it, and double-to-int64
/// truncation (AVX-512 DQ). Every step is the scalar form's integer or double arithmetic
/// lane by lane, and lanes a branch does not take are masked out, so the sums are the same.
/// Where these instructions are missing the scalar form runs.
/// </summary>
internal static unsafe class VifStatisticAvx512
{
    public static bool IsSupported =>
        Avx2.IsSupported && Avx512CD.VL.IsSupported && Avx512DQ.VL.IsSupported && Avx512F.VL.IsSupported;

    private const int SigmaNsq = 65536 << 1;
    private const double Eps = 65536 * 1.0e-10;

    /// <summary>Adds eight pixels' terms to the four integer sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Accumulate(Vector256<uint> mu1, Vector256<uint> mu2, Vector256<uint> xx, Vector256<uint> yy, Vector256<uint> xy,
        double gainLimit, int* log2Table, ref long numLog, ref long denLog, ref long numNonLog, ref long denNonLog)
    {
        var sigma1 = (xx - RoundedHighProduct(mu1, mu1)).AsInt32();
        var sigma2 = Vector256.Max((yy - RoundedHighProduct(mu2, mu2)).AsInt32(), Vector256<int>.Zero);
        var sigma12 = (xy - RoundedHighProduct(mu1, mu2)).AsInt32();

        var logLanes = Vector256.GreaterThanOrEqual(sigma1, Vector256.Create(SigmaNsq));
        // Flat pixels: sigma2 and a count.
        var flat = Vector256.AndNot(sigma2, logLanes);
        numNonLog += Sum(flat);
        denNonLog += 8 - System.Numerics.BitOperations.PopCount(logLanes.ExtractMostSignificantBits());

        // log2(2 + sigma1) - 17 in Q11, from the table.
        var den = Log2Of32((sigma1 + Vector256.Create(SigmaNsq)).AsUInt32(), log2Table) - Vector256.Create(2048 * 17);
        denLog += Sum(den & logLanes);

        var numLanes = logLanes & Vector256.GreaterThan(sigma12, Vector256<int>.Zero) & Vector256.GreaterThan(sigma2, Vector256<int>.Zero);
        if (numLanes == Vector256<int>.Zero) return;
        var num = Vector256.Create(
            NumeratorHalf(sigma1.GetLower(), sigma2.GetLower(), sigma12.GetLower(), gainLimit, log2Table),
            NumeratorHalf(sigma1.GetUpper(), sigma2.GetUpper(), sigma12.GetUpper(), gainLimit, log2Table));
        numLog += Sum(num & numLanes);
    }

    /// <summary>(a * b + 2^31) >> 32 in 64-bit lanes, narrowed back (every result fits 32 bits).</summary>
    private static Vector256<uint> RoundedHighProduct(Vector256<uint> a, Vector256<uint> b)
    {
        var (al, ah) = Vector256.Widen(a);
        var (bl, bh) = Vector256.Widen(b);
        var half = Vector256.Create(2147483648ul);
        var lo = Vector256.ShiftRightLogical(Avx512DQ.VL.MultiplyLow(al, bl) + half, 32);
        var hi = Vector256.ShiftRightLogical(Avx512DQ.VL.MultiplyLow(ah, bh) + half, 32);
        return Vector256.Narrow(lo, hi);
    }

    /// <summary>
    /// libvmaf's log2_32: table[v >> k] + 2048 k with k = 16 - clz(v). Lanes where k is negative
    /// shift by more than 31 and read table[0]; they are masked out by the caller.
    /// </summary>
    private static Vector256<int> Log2Of32(Vector256<uint> v, int* table)
    {
        var k = Vector256.Create(16) - Avx512CD.VL.LeadingZeroCount(v).AsInt32();
        var index = Avx2.ShiftRightLogicalVariable(v, k.AsUInt32()).AsInt32();
        return Avx2.GatherVector256(table, index, 4) + k * 2048;
    }

    /// <summary>libvmaf's log2_64: table[v >> k] + 2048 k with k = 48 - clz(v), four lanes.</summary>
    private static Vector128<int> Log2Of64(Vector256<ulong> v, int* table)
    {
        var k = Vector256.Create(48L) - Avx512CD.VL.LeadingZeroCount(v).AsInt64();
        var index = Avx2.ShiftRightLogicalVariable(v, k.AsUInt64()).AsInt64();
        var k32 = Avx512F.VL.ConvertToVector128Int32(k);
        return Avx2.GatherVector128(table, index, 4) + k32 * 2048;
    }

    /// <summary>
    /// The numerator term of four pixels, as the scalar form computes it in double:
    /// g = sigma12 / (sigma1 + eps); sv = (int)(sigma2 - g sigma12), at least 0; g = min(g, limit);
    /// log2_64((int64)(g g sigma1) + sv + 2^17) - log2_64(sv + 2^17).
    /// </summary>
    private static Vector128<int> NumeratorHalf(Vector128<int> sigma1, Vector128<int> sigma2, Vector128<int> sigma12, double gainLimit, int* table)
    {
        var s1 = Avx.ConvertToVector256Double(sigma1);
        var s2 = Avx.ConvertToVector256Double(sigma2);
        var s12 = Avx.ConvertToVector256Double(sigma12);
        var g = s12 / (s1 + Vector256.Create(Eps));
        var sv = Vector128.Max(Avx.ConvertToVector128Int32WithTruncation(s2 - g * s12), Vector128<int>.Zero);
        g = Avx.Min(g, Vector256.Create(gainLimit));
        var numer1 = Avx2.ConvertToVector256Int64(sv) + Vector256.Create((long)SigmaNsq);
        var numer1Tmp = Avx512DQ.VL.ConvertToVector256Int64WithTruncation(g * g * s1) + numer1;
        return Log2Of64(numer1Tmp.AsUInt64(), table) - Log2Of64(numer1.AsUInt64(), table);
    }

    private static long Sum(Vector256<int> v)
    {
        var (lo, hi) = Vector256.Widen(v);
        return Vector256.Sum(lo + hi);
    }
}
