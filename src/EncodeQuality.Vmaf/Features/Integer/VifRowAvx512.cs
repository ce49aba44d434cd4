using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EncodeQuality.Vmaf.Features.Integer;

/// <summary>
/// One row of VIF's statistic with AVX-512BW's 16-bit multiply-adds (vpmaddwd: two 16x16-bit
/// products summed into 32 bits, 32 of them per instruction) instead of 32-bit multiplies: at the
/// first scale of 8-bit pictures, where most of its time goes, and at scales 1 and 2, whose taps
/// fit a signed 16-bit lane. At the first scale every input fits 16 bits: samples, their squares
/// and products (at most 255^2), and the 17 taps. At scales 1 and 2 the samples are 16-bit and
/// their squares and products are split into high and low 16 bits (vpmulhuw, vpmullw), filtered
/// apart and recombined with the rounding shift: (2^16 H + L + 2^15) >> 16 = H + ((L + 2^15) >> 16).
/// vpmaddwd multiplies signed values, so unsigned 16-bit values v enter as v - 2^15; the taps of
/// each pass sum to 2^16, so every sum is off by exactly -2^31, and flipping its top bit restores
/// it modulo 2^32. Every true sum fits 32 bits unsigned, so the results are the scalar form's
/// integers exactly.
///
/// The vertical pass keeps its sums (means, and the second moments split into high and low 16
/// bits as the scalar form stores them) as offset 16-bit rows. The horizontal pass then pairs
/// neighbouring taps in one multiply-add, giving the even columns from one load and the odd ones
/// from the next; the statistic is an order-free integer sum, so that order is fine.
/// </summary>
internal static class VifRowAvx512
{
    public static bool IsSupported => Avx512BW.IsSupported && VifStatisticAvx512.IsSupported;

    public const int Columns = 32;       // one 512-bit vector of 16-bit samples
    private const int Pad = 8;           // half of the widest (17-tap) filter

    /// <summary>One band's offset 16-bit rows of the vertical pass, padded by 8 (and a vector's slack) on each side.</summary>
    public sealed class Rows(int width)
    {
        public readonly ushort[] Mu1 = new ushort[width + 2 * Pad + Columns], Mu2 = new ushort[width + 2 * Pad + Columns];
        public readonly ushort[] RefHi = new ushort[width + 2 * Pad + Columns], RefLo = new ushort[width + 2 * Pad + Columns];
        public readonly ushort[] DisHi = new ushort[width + 2 * Pad + Columns], DisLo = new ushort[width + 2 * Pad + Columns];
        public readonly ushort[] RefDisHi = new ushort[width + 2 * Pad + Columns], RefDisLo = new ushort[width + 2 * Pad + Columns];
        private ushort[][]? _all;

        public ushort[][] All => _all ??= [Mu1, Mu2, RefHi, RefLo, DisHi, DisLo, RefDisHi, RefDisLo];

        public void Set(int at, uint mu1, uint mu2, uint rr, uint dd, uint rd)
        {
            Mu1[at] = (ushort)(mu1 ^ 0x8000);
            Mu2[at] = (ushort)(mu2 ^ 0x8000);
            (RefHi[at], RefLo[at]) = ((ushort)((rr >> 16) ^ 0x8000), (ushort)((rr & 0xFFFF) ^ 0x8000));
            (DisHi[at], DisLo[at]) = ((ushort)((dd >> 16) ^ 0x8000), (ushort)((dd & 0xFFFF) ^ 0x8000));
            (RefDisHi[at], RefDisLo[at]) = ((ushort)((rd >> 16) ^ 0x8000), (ushort)((rd & 0xFFFF) ^ 0x8000));
        }
    }

    /// <summary>
    /// One row of the statistic: vertical pass, horizontal pass, per-pixel terms. Scale 0 takes
    /// 8-bit samples (its means shifted by 8, its moments not rounded); scales 1 and 2 take 16-bit
    /// samples, means and moments rounded by 16.
    /// </summary>
    /// <param name="shared">
    /// Where the row's reference terms (mu1, sigma1^2) go in the frame's shared state, and whether
    /// to fill it (lead) or take them from it (follow: the reference is then not filtered at all).
    /// </param>
    public static unsafe void Row(ushort[] taps, ushort[] r, ushort[] d, ReadOnlySpan<int> rows, int w, Rows s, double gainLimit, int* log2Table,
        in VifSharedRow shared, ref long numLog, ref long denLog, ref long numNonLog, ref long denNonLog)
    {
        switch (shared.Mode)
        {
            case VifShareMode.Alone: Row<AloneMode>(taps, r, d, rows, w, s, gainLimit, log2Table, shared, ref numLog, ref denLog, ref numNonLog, ref denNonLog); break;
            case VifShareMode.Lead: Row<LeadMode>(taps, r, d, rows, w, s, gainLimit, log2Table, shared, ref numLog, ref denLog, ref numNonLog, ref denNonLog); break;
            default: Row<FollowMode>(taps, r, d, rows, w, s, gainLimit, log2Table, shared, ref numLog, ref denLog, ref numNonLog, ref denNonLog); break;
        }
    }

    private static unsafe void Row<TMode>(ushort[] taps, ushort[] r, ushort[] d, ReadOnlySpan<int> rows, int w, Rows s, double gainLimit, int* log2Table,
        in VifSharedRow shared, ref long numLog, ref long denLog, ref long numNonLog, ref long denNonLog) where TMode : struct, IMode
    {
        switch (taps.Length)
        {
            case 17: Row<Taps17, TMode>(taps, r, d, rows, w, s, gainLimit, log2Table, shared, ref numLog, ref denLog, ref numNonLog, ref denNonLog); break;
            case 9: Row<Taps9, TMode>(taps, r, d, rows, w, s, gainLimit, log2Table, shared, ref numLog, ref denLog, ref numNonLog, ref denNonLog); break;
            case 5: Row<Taps5, TMode>(taps, r, d, rows, w, s, gainLimit, log2Table, shared, ref numLog, ref denLog, ref numNonLog, ref denNonLog); break;
            default: throw new ArgumentException("VIF's filters have 17, 9, 5 or 3 taps, and 3 does not fit", nameof(taps));
        }
    }

    /// <summary>The sharing mode as a type, so each mode gets its own compiled row with the reference's work folded in or out.</summary>
    private interface IMode
    {
        static abstract bool Lead { get; }
        static abstract bool Follow { get; }
    }

    private struct AloneMode : IMode { public static bool Lead => false; public static bool Follow => false; }
    private struct LeadMode : IMode { public static bool Lead => true; public static bool Follow => false; }
    private struct FollowMode : IMode { public static bool Lead => false; public static bool Follow => true; }

    /// <summary>A filter's width as a type, so each width gets its own compiled row with its branches folded.</summary>
    private interface IWidth
    {
        static abstract int Taps { get; }
    }

    private struct Taps17 : IWidth { public static int Taps => 17; }
    private struct Taps9 : IWidth { public static int Taps => 9; }
    private struct Taps5 : IWidth { public static int Taps => 5; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Row<TWidth, TMode>(ushort[] taps, ushort[] r, ushort[] d, ReadOnlySpan<int> rows, int w, Rows s, double gainLimit,
        int* log2Table, in VifSharedRow shared, ref long numLog, ref long denLog, ref long numNonLog, ref long denNonLog)
        where TWidth : struct, IWidth where TMode : struct, IMode
    {
        int fw = TWidth.Taps, half = fw / 2;
        bool scale0 = fw == 17;
        int j = 0;
        if (scale0)
            for (; j + Columns <= w; j += Columns) Vertical<TMode>(taps, r, d, rows, j, s);
        else
            for (; j + Columns <= w; j += Columns) Vertical16<TMode>(taps, r, d, rows, j, s);
        for (; j < w; j++) VerticalScalar(taps, r, d, rows, j, scale0, s);
        foreach (var row in s.All)
            for (int f = 1; f <= half; f++)
            {
                row[Pad - f] = row[Pad + f];
                row[Pad + w - 1 + f] = row[Pad + w - 1 - f];
            }

        var t = new TapPairs(taps);
        var sums = default(VifStatisticAvx512.RowSums);
        j = 0;
        for (; j + Columns <= w; j += Columns)
            for (int odd = 0; odd < 2; odd++)
            {
                int at = Pad - half + j + odd; // column c's taps start at row index c + Pad - half
                int kept = shared.Start + j + 16 * odd; // this block's even or odd columns in the shared planes
                Vector512<uint> mu1;
                Vector512<int> sigma1;
                if (TMode.Follow)
                {
                    mu1 = Vector512.LoadUnsafe(ref shared.Mu1[0], (nuint)kept);
                    sigma1 = Vector512.LoadUnsafe(ref shared.Sigma1[0], (nuint)kept);
                }
                else
                {
                    mu1 = Horizontal<TWidth>(in t, s.Mu1, at);
                    sigma1 = VifStatisticAvx512.Sigma1(mu1, Recombine(Horizontal<TWidth>(in t, s.RefHi, at), Horizontal<TWidth>(in t, s.RefLo, at)));
                    if (TMode.Lead)
                    {
                        mu1.StoreUnsafe(ref shared.Mu1[0], (nuint)kept);
                        sigma1.StoreUnsafe(ref shared.Sigma1[0], (nuint)kept);
                    }
                }
                var mu2 = Horizontal<TWidth>(in t, s.Mu2, at);
                var yy = Recombine(Horizontal<TWidth>(in t, s.DisHi, at), Horizontal<TWidth>(in t, s.DisLo, at));
                var xy = Recombine(Horizontal<TWidth>(in t, s.RefDisHi, at), Horizontal<TWidth>(in t, s.RefDisLo, at));
                VifStatisticAvx512.Accumulate(mu1, sigma1, mu2, yy, xy, !TMode.Follow, gainLimit, log2Table, ref sums);
            }
        sums.Drain(ref numLog, ref denLog, ref numNonLog, ref denNonLog);
        for (; j < w; j++)
        {
            uint mu1 = 0, mu2 = 0;
            ulong xx = 0, yy = 0, xy = 0;
            for (int k = 0; k < fw; k++)
            {
                int at = Pad - half + j + k;
                uint f = taps[k];
                mu2 += f * (uint)(s.Mu2[at] ^ 0x8000);
                yy += (ulong)f * Moment(s.DisHi[at], s.DisLo[at]);
                xy += (ulong)f * Moment(s.RefDisHi[at], s.RefDisLo[at]);
                if (TMode.Follow) continue;
                mu1 += f * (uint)(s.Mu1[at] ^ 0x8000);
                xx += (ulong)f * Moment(s.RefHi[at], s.RefLo[at]);
            }
            int sigma1;
            if (TMode.Follow) (mu1, sigma1) = (shared.Mu1[shared.Start + j], shared.Sigma1[shared.Start + j]);
            else
            {
                sigma1 = IntegerVifExtractor.Sigma1(mu1, (uint)((xx + 32768) >> 16));
                if (TMode.Lead) (shared.Mu1[shared.Start + j], shared.Sigma1[shared.Start + j]) = (mu1, sigma1);
            }
            IntegerVifExtractor.Accumulate(mu1, sigma1, mu2, (uint)((yy + 32768) >> 16), (uint)((xy + 32768) >> 16), !TMode.Follow,
                gainLimit, ref numLog, ref denLog, ref numNonLog, ref denNonLog);
        }
    }

    private static uint Moment(ushort hi, ushort lo) => (uint)(hi ^ 0x8000) << 16 | (uint)(lo ^ 0x8000);

    /// <summary>
    /// The vertical pass of 32 columns. Rows k and 16-k share a tap: their squares are
    /// multiply-added as one pair, and the means use the pre-added pair (at most 510) with two
    /// neighbouring taps per multiply-add. The centre row pairs with itself against (tap, 0).
    /// unpacklo/unpackhi interleave within 128-bit lanes and packus undoes it, so the stored
    /// rows are in column order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Vertical<TMode>(ushort[] taps, ushort[] r, ushort[] d, ReadOnlySpan<int> rows, int j, Rows s) where TMode : struct, IMode
    {
        var offset = Vector512.Create(unchecked((short)0x8000));
        Vector512<int> mu1Lo = default, mu1Hi = default, mu2Lo = default, mu2Hi = default;
        Vector512<int> rrLo = default, rrHi = default, ddLo = default, ddHi = default, rdLo = default, rdHi = default;
        Vector512<short> sumR = default, sumD = default;
        int fw = taps.Length, half = fw / 2;
        for (int k = 0; k <= half; k++)
        {
            var ar = Load(r, rows[k] + j);
            var ad = Load(d, rows[k] + j);
            Vector512<short> br, bd, pair;
            if (k < half)
            {
                br = Load(r, rows[fw - 1 - k] + j);
                bd = Load(d, rows[fw - 1 - k] + j);
                pair = Vector512.Create(taps[k] * 0x10001u).AsInt16();    // (f, f)
            }
            else
            {
                (br, bd) = (ar, ad);
                pair = Vector512.Create((uint)taps[k]).AsInt16();          // (f, 0)
            }
            Vector512<short> qa, qb;
            if (!TMode.Follow)
            {
                qa = Avx512BW.MultiplyLow(ar, ar) ^ offset;
                qb = Avx512BW.MultiplyLow(br, br) ^ offset;
                rrLo += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(qa, qb), pair);
                rrHi += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(qa, qb), pair);
            }
            qa = Avx512BW.MultiplyLow(ad, ad) ^ offset;
            qb = Avx512BW.MultiplyLow(bd, bd) ^ offset;
            ddLo += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(qa, qb), pair);
            ddHi += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(qa, qb), pair);
            qa = Avx512BW.MultiplyLow(ar, ad) ^ offset;
            qb = Avx512BW.MultiplyLow(br, bd) ^ offset;
            rdLo += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(qa, qb), pair);
            rdHi += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(qa, qb), pair);

            if (k < half)
            {
                var pr = ar + br;
                var pd = ad + bd;
                if (k % 2 == 0)
                {
                    (sumR, sumD) = (pr, pd);
                    continue;
                }
                var taps2 = Avx512Words.Pair(taps, k - 1);
                if (!TMode.Follow)
                {
                    mu1Lo += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(sumR, pr), taps2);
                    mu1Hi += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(sumR, pr), taps2);
                }
                mu2Lo += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(sumD, pd), taps2);
                mu2Hi += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(sumD, pd), taps2);
            }
            else
            {
                if (!TMode.Follow)
                {
                    mu1Lo += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(ar, ar), pair);
                    mu1Hi += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(ar, ar), pair);
                }
                mu2Lo += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(ad, ad), pair);
                mu2Hi += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(ad, ad), pair);
            }
        }
        // Means: (sum + 2^7) >> 8 (the scalar form's shift by the bit depth), at most 65280.
        var round = Vector512.Create(128);
        int at = Pad + j;
        StoreOffset(s.Mu2, at, (mu2Lo + round) >> 8, (mu2Hi + round) >> 8);
        // Second moments: undo the offset; 8-bit samples at scale 0 are not rounded (shift 0).
        var top = Vector512.Create(int.MinValue);
        if (!TMode.Follow)
        {
            StoreOffset(s.Mu1, at, (mu1Lo + round) >> 8, (mu1Hi + round) >> 8);
            StoreMoment(s.RefHi, s.RefLo, at, rrLo ^ top, rrHi ^ top);
        }
        StoreMoment(s.DisHi, s.DisLo, at, ddLo ^ top, ddHi ^ top);
        StoreMoment(s.RefDisHi, s.RefDisLo, at, rdLo ^ top, rdHi ^ top);
    }

    /// <summary>
    /// The vertical pass of 32 columns of 16-bit samples (scales 1 and 2): rows k and k+1
    /// interleaved meet the taps (f_k, f_k+1), the last row paired with a zero tap. The means are
    /// filtered directly; each square and product is filtered as its high and low 16 bits
    /// (vpmulhuw, vpmullw), both sums below 2^32, and recombined with the rounding shift.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Vertical16<TMode>(ushort[] taps, ushort[] r, ushort[] d, ReadOnlySpan<int> rows, int j, Rows s) where TMode : struct, IMode
    {
        var offset = Vector512.Create(unchecked((short)0x8000));
        Vector512<int> mu1Lo = default, mu1Hi = default, mu2Lo = default, mu2Hi = default;
        var rr = default(Moments);
        var dd = default(Moments);
        var rd = default(Moments);
        int fw = taps.Length;
        for (int k = 0; k < fw; k += 2)
        {
            var ar = Load(r, rows[k] + j);
            var ad = Load(d, rows[k] + j);
            var (br, bd) = k + 1 < fw ? (Load(r, rows[k + 1] + j), Load(d, rows[k + 1] + j)) : (ar, ad);
            var pair = Avx512Words.Pair(taps, k);
            mu2Lo += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(ad ^ offset, bd ^ offset), pair);
            mu2Hi += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(ad ^ offset, bd ^ offset), pair);
            if (!TMode.Follow)
            {
                mu1Lo += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(ar ^ offset, br ^ offset), pair);
                mu1Hi += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(ar ^ offset, br ^ offset), pair);
                rr.Add(ar, ar, br, br, pair, offset);
            }
            dd.Add(ad, ad, bd, bd, pair, offset);
            rd.Add(ar, ad, br, bd, pair, offset);
        }
        var top = Vector512.Create(int.MinValue);
        var round = Vector512.Create(32768u);
        int at = Pad + j;
        StoreOffset(s.Mu2, at, Rounded(mu2Lo ^ top, round), Rounded(mu2Hi ^ top, round));
        if (!TMode.Follow)
        {
            StoreOffset(s.Mu1, at, Rounded(mu1Lo ^ top, round), Rounded(mu1Hi ^ top, round));
            StoreMoment(s.RefHi, s.RefLo, at, rr.Lo(round), rr.Hi(round));
        }
        StoreMoment(s.DisHi, s.DisLo, at, dd.Lo(round), dd.Hi(round));
        StoreMoment(s.RefDisHi, s.RefDisLo, at, rd.Lo(round), rd.Hi(round));

        static Vector512<int> Rounded(Vector512<int> sum, Vector512<uint> round) => Vector512.ShiftRightLogical(sum.AsUInt32() + round, 16).AsInt32();
    }

    /// <summary>
    /// A second moment's offset sums in the interleaved halves (Lo: unpacklo, Hi: unpackhi), for
    /// the high and the low 16 bits of the products.
    /// </summary>
    private struct Moments
    {
        private Vector512<int> _highLo, _highHi, _lowLo, _lowHi;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(Vector512<short> x0, Vector512<short> y0, Vector512<short> x1, Vector512<short> y1, Vector512<short> pair, Vector512<short> offset)
        {
            var h0 = Avx512BW.MultiplyHigh(x0.AsUInt16(), y0.AsUInt16()).AsInt16() ^ offset;
            var h1 = Avx512BW.MultiplyHigh(x1.AsUInt16(), y1.AsUInt16()).AsInt16() ^ offset;
            var l0 = Avx512BW.MultiplyLow(x0, y0) ^ offset;
            var l1 = Avx512BW.MultiplyLow(x1, y1) ^ offset;
            _highLo += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(h0, h1), pair);
            _highHi += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(h0, h1), pair);
            _lowLo += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(l0, l1), pair);
            _lowHi += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(l0, l1), pair);
        }

        /// <summary>(2^16 H + L + 2^15) >> 16 = H + ((L + 2^15) >> 16), the offsets undone, for the unpacklo half.</summary>
        public readonly Vector512<int> Lo(Vector512<uint> round) => Combine(_highLo, _lowLo, round);

        public readonly Vector512<int> Hi(Vector512<uint> round) => Combine(_highHi, _lowHi, round);

        private static Vector512<int> Combine(Vector512<int> high, Vector512<int> low, Vector512<uint> round)
        {
            var top = Vector512.Create(0x80000000u);
            return ((high.AsUInt32() ^ top) + Vector512.ShiftRightLogical((low.AsUInt32() ^ top) + round, 16)).AsInt32();
        }
    }

    private static void StoreMoment(ushort[] hi, ushort[] lo, int at, Vector512<int> vLo, Vector512<int> vHi)
    {
        var mask = Vector512.Create(0xFFFF);
        StoreOffset(hi, at, Vector512.ShiftRightLogical(vLo, 16), Vector512.ShiftRightLogical(vHi, 16));
        StoreOffset(lo, at, vLo & mask, vHi & mask);
    }

    /// <summary>Packs values in 0..65535 from the interleaved halves back to column order, offset by -2^15.</summary>
    private static void StoreOffset(ushort[] row, int at, Vector512<int> lo, Vector512<int> hi) =>
        (Avx512BW.PackUnsignedSaturate(lo, hi) ^ Vector512.Create((ushort)0x8000)).StoreUnsafe(ref row[0], (nuint)at);

    private static Vector512<short> Load(ushort[] plane, int at) => Vector512.LoadUnsafe(ref plane[0], (nuint)at).AsInt16();

    /// <summary>
    /// Sixteen outputs of the horizontal pass over an offset row, at columns c, c+2, ..., c+30 for
    /// the row index at = c + Pad - half where column c's taps start: each 32-bit lane of a load
    /// holds two neighbouring samples, which meet the taps (f_2m, f_2m+1), the last paired with 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Horizontal<TWidth>(in TapPairs t, ushort[] row, int at) where TWidth : struct, IWidth
    {
        const int pairs9 = 5, pairs17 = 9;
        int pairs = (TWidth.Taps + 1) / 2;
        ref ushort p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(row), at);
        var acc = Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, 0).AsInt16(), t.T0)
                + Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, 2).AsInt16(), t.T1);
        if (pairs > 2)
        {
            acc += Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, 4).AsInt16(), t.T2);
            if (pairs >= pairs9)
            {
                acc += Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, 6).AsInt16(), t.T3)
                     + Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, 8).AsInt16(), t.T4);
                if (pairs == pairs17)
                    acc += Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, 10).AsInt16(), t.T5)
                         + Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, 12).AsInt16(), t.T6)
                         + Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, 14).AsInt16(), t.T7)
                         + Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, 16).AsInt16(), t.T8);
            }
        }
        return (acc ^ Vector512.Create(int.MinValue)).AsUInt32();
    }

    /// <summary>A filter's taps (17, 9 or 5) as (f_2m, f_2m+1) pairs in every 32-bit lane, the last paired with 0.</summary>
    private readonly struct TapPairs(ushort[] f)
    {
        public readonly Vector512<short> T0 = Avx512Words.Pair(f, 0), T1 = Avx512Words.Pair(f, 2), T2 = Avx512Words.Pair(f, 4),
            T3 = Avx512Words.Pair(f, 6), T4 = Avx512Words.Pair(f, 8), T5 = Avx512Words.Pair(f, 10), T6 = Avx512Words.Pair(f, 12),
            T7 = Avx512Words.Pair(f, 14), T8 = Avx512Words.Pair(f, 16);
    }

    /// <summary>(2^16 H + L + 2^15) >> 16 for the horizontally filtered high and low halves: H + ((L + 2^15) >> 16).</summary>
    private static Vector512<uint> Recombine(Vector512<uint> hi, Vector512<uint> lo) =>
        hi + Vector512.ShiftRightLogical(lo + Vector512.Create(32768u), 16);

    private static void VerticalScalar(ushort[] taps, ushort[] r, ushort[] d, ReadOnlySpan<int> rows, int j, bool scale0, Rows s)
    {
        uint mu1 = 0, mu2 = 0;
        ulong rr = 0, dd = 0, rd = 0;
        for (int k = 0; k < taps.Length; k++)
        {
            uint f = taps[k], pr = r[rows[k] + j], pd = d[rows[k] + j];
            mu1 += f * pr;
            mu2 += f * pd;
            rr += (ulong)f * pr * pr;
            dd += (ulong)f * pd * pd;
            rd += (ulong)f * pr * pd;
        }
        if (scale0)
            s.Set(Pad + j, (mu1 + 128) >> 8, (mu2 + 128) >> 8, (uint)rr, (uint)dd, (uint)rd);
        else
            s.Set(Pad + j, (mu1 + 32768) >> 16, (mu2 + 32768) >> 16, (uint)((rr + 32768) >> 16), (uint)((dd + 32768) >> 16), (uint)((rd + 32768) >> 16));
    }
}
