using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EncodeQuality.Vmaf.Features.Integer;

/// <summary>
/// VIF's per-pixel statistic (<see cref="IntegerVifExtractor.Accumulate"/>) for sixteen pixels at a
/// time with AVX-512 (F, CD, DQ, VL) and AVX2 gathers: per-lane leading-zero counts and shifts to
/// index libvmaf's log2 table, gathers from it, and double-to-integer truncation. Every step is
/// the scalar form's integer or double arithmetic lane by lane, and lanes a branch does not take
/// are masked out, so the sums are the same. Terms are kept in vector lanes for a row
/// (<see cref="RowSums"/>) and added up once at its end. Where these instructions are missing
/// the scalar form runs.
/// </summary>
internal static unsafe class VifStatisticAvx512
{
    public static bool IsSupported =>
        Avx2.IsSupported && Avx512CD.VL.IsSupported && Avx512DQ.VL.IsSupported && Avx512F.VL.IsSupported;

    private const int SigmaNsq = 65536 << 1;
    private const double Eps = 65536 * 1.0e-10;

    /// <summary>
    /// One row's terms in vector lanes. The log terms are below 2^17 each, so a lane of a row
    /// (width / 16 terms) cannot overflow 32 bits; sigma2 needs 64.
    /// </summary>
    public struct RowSums
    {
        private Vector512<int> _numLog, _denLog;
        private Vector512<long> _numNonLog;
        private int _pixels, _logPixels;

        public void Add(Vector512<int> numLog, Vector512<int> denLog, Vector512<int> flatSigma2, int logPixels)
        {
            _numLog += numLog;
            _denLog += denLog;
            _numNonLog += Avx512F.ConvertToVector512Int64(flatSigma2.GetLower()) + Avx512F.ConvertToVector512Int64(flatSigma2.GetUpper());
            _pixels += 16;
            _logPixels += logPixels;
        }

        /// <summary>Adds the row's totals to the extractor's sums and clears the lanes.</summary>
        public void Drain(ref long numLog, ref long denLog, ref long numNonLog, ref long denNonLog)
        {
            numLog += Sum(_numLog);
            denLog += Sum(_denLog);
            numNonLog += Vector512.Sum(_numNonLog);
            denNonLog += _pixels - _logPixels;
            this = default;
        }

        private static long Sum(Vector512<int> v) =>
            Vector512.Sum(Avx512F.ConvertToVector512Int64(v.GetLower()) + Avx512F.ConvertToVector512Int64(v.GetUpper()));
    }

    /// <summary>Adds sixteen pixels' terms, from their filtered means and (rounded) second moments.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Accumulate(Vector512<uint> mu1, Vector512<uint> mu2, Vector512<uint> xx, Vector512<uint> yy, Vector512<uint> xy,
        double gainLimit, int* log2Table, ref RowSums sums) =>
        Accumulate(mu1, Sigma1(mu1, xx), mu2, yy, xy, true, gainLimit, log2Table, ref sums);

    /// <summary>The reference's variance in Q16 from its filtered mean and square: xx - (mu1^2 rounded by 32 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Sigma1(Vector512<uint> mu1, Vector512<uint> xx) => (xx - RoundedHighProduct(mu1, mu1)).AsInt32();

    /// <summary>
    /// Adds sixteen pixels' terms given the reference's variance; <paramref name="withDenominator"/>
    /// false leaves out the denominator's log terms (they read only the reference: a stream that
    /// shares them adds their sum instead).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Accumulate(Vector512<uint> mu1, Vector512<int> sigma1, Vector512<uint> mu2, Vector512<uint> yy, Vector512<uint> xy,
        bool withDenominator, double gainLimit, int* log2Table, ref RowSums sums)
    {
        var sigma2 = Vector512.Max((yy - RoundedHighProduct(mu2, mu2)).AsInt32(), Vector512<int>.Zero);
        var sigma12 = (xy - RoundedHighProduct(mu1, mu2)).AsInt32();

        var logLanes = Vector512.GreaterThanOrEqual(sigma1, Vector512.Create(SigmaNsq));
        // log2(2 + sigma1) - 17 in Q11, from the table.
        var den = withDenominator
            ? Log2Of32((sigma1 + Vector512.Create(SigmaNsq)).AsUInt32(), log2Table) - Vector512.Create(2048 * 17)
            : Vector512<int>.Zero;
        var numLanes = logLanes & Vector512.GreaterThan(sigma12, Vector512<int>.Zero) & Vector512.GreaterThan(sigma2, Vector512<int>.Zero);
        var num = Vector512<int>.Zero;
        if (numLanes != Vector512<int>.Zero)
        {
            num = Vector512.Create(
                Numerator(sigma1.GetLower(), sigma2.GetLower(), sigma12.GetLower(), gainLimit, log2Table),
                Numerator(sigma1.GetUpper(), sigma2.GetUpper(), sigma12.GetUpper(), gainLimit, log2Table)) & numLanes;
        }
        sums.Add(num, den & logLanes, Vector512.AndNot(sigma2, logLanes), BitOperations.PopCount(logLanes.ExtractMostSignificantBits()));
    }

    /// <summary>(a * b + 2^31) >> 32 lane by lane, from the even and odd lanes' 64-bit products.</summary>
    private static Vector512<uint> RoundedHighProduct(Vector512<uint> a, Vector512<uint> b)
    {
        var half = Vector512.Create(2147483648ul);
        var even = Avx512F.Multiply(a, b) + half;
        var odd = Avx512F.Multiply(Vector512.ShiftRightLogical(a.AsUInt64(), 32).AsUInt32(), Vector512.ShiftRightLogical(b.AsUInt64(), 32).AsUInt32()) + half;
        return (Vector512.ShiftRightLogical(even, 32) | (odd & Vector512.Create(0xFFFFFFFF00000000ul))).AsUInt32();
    }

    /// <summary>
    /// libvmaf's log2_32: table[v >> k] + 2048 k with k = 16 - clz(v). Lanes where k is negative
    /// shift by more than 31 and read table[0]; they are masked out by the caller.
    /// </summary>
    private static Vector512<int> Log2Of32(Vector512<uint> v, int* table)
    {
        var k = Vector512.Create(16) - Avx512CD.LeadingZeroCount(v).AsInt32();
        var index = Avx512F.ShiftRightLogicalVariable(v, k.AsUInt32()).AsInt32();
        var logs = Vector512.Create(Avx2.GatherVector256(table, index.GetLower(), 4), Avx2.GatherVector256(table, index.GetUpper(), 4));
        return logs + k * 2048;
    }

    /// <summary>libvmaf's log2_64: table[v >> k] + 2048 k with k = 48 - clz(v), eight lanes (v is at least 2^17).</summary>
    private static Vector256<int> Log2Of64(Vector512<ulong> v, int* table)
    {
        var k = Vector512.Create(48L) - Avx512CD.LeadingZeroCount(v).AsInt64();
        var index = Avx512F.ConvertToVector256Int32(Avx512F.ShiftRightLogicalVariable(v, k.AsUInt64()));
        return Avx2.GatherVector256(table, index.AsInt32(), 4) + Avx512F.ConvertToVector256Int32(k) * 2048;
    }

    /// <summary>
    /// The numerator term of eight pixels, as the scalar form computes it in double:
    /// g = sigma12 / (sigma1 + eps); sv = (int)(sigma2 - g sigma12), at least 0; g = min(g, limit);
    /// log2_64((int64)(g g sigma1) + sv + 2^17) - log2_64(sv + 2^17).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Numerator(Vector256<int> sigma1, Vector256<int> sigma2, Vector256<int> sigma12, double gainLimit, int* table)
    {
        var s1 = Avx512F.ConvertToVector512Double(sigma1);
        var s2 = Avx512F.ConvertToVector512Double(sigma2);
        var s12 = Avx512F.ConvertToVector512Double(sigma12);
        var g = s12 / (s1 + Vector512.Create(Eps));
        var sv = Vector256.Max(Avx512F.ConvertToVector256Int32WithTruncation(s2 - g * s12), Vector256<int>.Zero);
        g = Avx512F.Min(g, Vector512.Create(gainLimit));
        var numer1 = Avx512F.ConvertToVector512Int64(sv) + Vector512.Create((long)SigmaNsq);
        var numer1Tmp = Avx512DQ.ConvertToVector512Int64WithTruncation(g * g * s1) + numer1;
        return Log2Of64(numer1Tmp.AsUInt64(), table) - Log2Of64(numer1.AsUInt64(), table);
    }
}
