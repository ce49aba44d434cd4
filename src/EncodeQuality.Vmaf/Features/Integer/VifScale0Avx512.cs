using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EncodeQuality.Vmaf.Features.Integer;

/// <summary>
/// VIF's first scale for 8-bit pictures, where most of its time goes, with AVX-512BW's 16-bit
/// multiply-adds (vpmaddwd: two 16x16-bit products summed into 32 bits, 32 of them per instruction)
/// instead of 32-bit multiplies. At this scale every input fits 16 bits: samples, their squares
/// and products (at most 255^2), and the 17 taps. vpmaddwd multiplies signed values, so unsigned
/// 16-bit values v enter as v - 2^15; the taps of each pass sum to 2^16, so every sum is off by
/// exactly -2^31, and flipping its top bit restores it modulo 2^32. Every true sum fits 32 bits
/// unsigned, so the results are the scalar form's integers exactly.
///
/// The vertical pass keeps its sums (means, and the second moments split into high and low 16
/// bits as the scalar form stores them) as offset 16-bit rows. The horizontal pass then pairs
/// neighbouring taps in one multiply-add, giving the even columns from one load and the odd ones
/// from the next; the statistic is an order-free integer sum, so that order is fine.
/// </summary>
internal static class VifScale0Avx512
{
    public static bool IsSupported => Avx512BW.IsSupported && VifStatisticAvx512.IsSupported;

    public const int Columns = 32;       // one 512-bit vector of 16-bit samples
    private const int Pad = 8;           // half of the 17-tap filter
    private const int Fw = 17;

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

    /// <summary>One row of the statistic: vertical pass, horizontal pass, per-pixel terms.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Row(ushort[] taps, ushort[] r, ushort[] d, ReadOnlySpan<int> rows, int w, Rows s, double gainLimit, int* log2Table,
        ref long numLog, ref long denLog, ref long numNonLog, ref long denNonLog)
    {
        int j = 0;
        for (; j + Columns <= w; j += Columns) Vertical(taps, r, d, rows, j, s);
        for (; j < w; j++) VerticalScalar(taps, r, d, rows, j, s);
        foreach (var row in s.All)
            for (int f = 1; f <= Pad; f++)
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
                int at = j + odd; // column c's 17 taps start at row index c (index = column + 8)
                var mu1 = Horizontal(in t, s.Mu1, at);
                var mu2 = Horizontal(in t, s.Mu2, at);
                var xx = Recombine(Horizontal(in t, s.RefHi, at), Horizontal(in t, s.RefLo, at));
                var yy = Recombine(Horizontal(in t, s.DisHi, at), Horizontal(in t, s.DisLo, at));
                var xy = Recombine(Horizontal(in t, s.RefDisHi, at), Horizontal(in t, s.RefDisLo, at));
                VifStatisticAvx512.Accumulate(mu1, mu2, xx, yy, xy, gainLimit, log2Table, ref sums);
            }
        sums.Drain(ref numLog, ref denLog, ref numNonLog, ref denNonLog);
        for (; j < w; j++)
        {
            uint mu1 = 0, mu2 = 0;
            ulong xx = 0, yy = 0, xy = 0;
            for (int k = 0; k < Fw; k++)
            {
                int at = j + k; // = Pad + j - Pad + k
                uint f = taps[k];
                mu1 += f * (uint)(s.Mu1[at] ^ 0x8000);
                mu2 += f * (uint)(s.Mu2[at] ^ 0x8000);
                xx += (ulong)f * Moment(s.RefHi[at], s.RefLo[at]);
                yy += (ulong)f * Moment(s.DisHi[at], s.DisLo[at]);
                xy += (ulong)f * Moment(s.RefDisHi[at], s.RefDisLo[at]);
            }
            IntegerVifExtractor.Accumulate(mu1, mu2, (uint)((xx + 32768) >> 16), (uint)((yy + 32768) >> 16), (uint)((xy + 32768) >> 16),
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
    private static void Vertical(ushort[] taps, ushort[] r, ushort[] d, ReadOnlySpan<int> rows, int j, Rows s)
    {
        var offset = Vector512.Create(unchecked((short)0x8000));
        Vector512<int> mu1Lo = default, mu1Hi = default, mu2Lo = default, mu2Hi = default;
        Vector512<int> rrLo = default, rrHi = default, ddLo = default, ddHi = default, rdLo = default, rdHi = default;
        Vector512<short> sumR = default, sumD = default;
        const int half = Fw / 2;
        for (int k = 0; k <= half; k++)
        {
            var ar = Load(r, rows[k] + j);
            var ad = Load(d, rows[k] + j);
            Vector512<short> br, bd, pair;
            if (k < half)
            {
                br = Load(r, rows[Fw - 1 - k] + j);
                bd = Load(d, rows[Fw - 1 - k] + j);
                pair = Vector512.Create(taps[k] * 0x10001u).AsInt16();    // (f, f)
            }
            else
            {
                (br, bd) = (ar, ad);
                pair = Vector512.Create((uint)taps[k]).AsInt16();          // (f, 0)
            }
            var qa = Avx512BW.MultiplyLow(ar, ar) ^ offset;
            var qb = Avx512BW.MultiplyLow(br, br) ^ offset;
            rrLo += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(qa, qb), pair);
            rrHi += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(qa, qb), pair);
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
                var taps2 = Vector512.Create(taps[k - 1] | (uint)taps[k] << 16).AsInt16();
                mu1Lo += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(sumR, pr), taps2);
                mu1Hi += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(sumR, pr), taps2);
                mu2Lo += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(sumD, pd), taps2);
                mu2Hi += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(sumD, pd), taps2);
            }
            else
            {
                mu1Lo += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(ar, ar), pair);
                mu1Hi += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(ar, ar), pair);
                mu2Lo += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(ad, ad), pair);
                mu2Hi += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(ad, ad), pair);
            }
        }
        // Means: (sum + 2^7) >> 8 (the scalar form's shift by the bit depth), at most 65280.
        var round = Vector512.Create(128);
        int at = Pad + j;
        StoreOffset(s.Mu1, at, (mu1Lo + round) >> 8, (mu1Hi + round) >> 8);
        StoreOffset(s.Mu2, at, (mu2Lo + round) >> 8, (mu2Hi + round) >> 8);
        // Second moments: undo the offset; 8-bit samples at scale 0 are not rounded (shift 0).
        var top = Vector512.Create(int.MinValue);
        StoreMoment(s.RefHi, s.RefLo, at, rrLo ^ top, rrHi ^ top);
        StoreMoment(s.DisHi, s.DisLo, at, ddLo ^ top, ddHi ^ top);
        StoreMoment(s.RefDisHi, s.RefDisLo, at, rdLo ^ top, rdHi ^ top);
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
    /// Sixteen outputs of the horizontal 17-tap pass over an offset row, at columns at, at+2, ...,
    /// at+30 (a row's index is its column + 8, so column c's taps start at index c): each 32-bit lane of a load holds two neighbouring samples,
    /// which meet the taps (f_2m, f_2m+1), the last paired with 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Horizontal(in TapPairs t, ushort[] row, int at)
    {
        ref ushort p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(row), at);
        var acc = Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, 0).AsInt16(), t.T0)
                + Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, 2).AsInt16(), t.T1)
                + Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, 4).AsInt16(), t.T2)
                + Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, 6).AsInt16(), t.T3)
                + Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, 8).AsInt16(), t.T4)
                + Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, 10).AsInt16(), t.T5)
                + Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, 12).AsInt16(), t.T6)
                + Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, 14).AsInt16(), t.T7)
                + Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, 16).AsInt16(), t.T8);
        return (acc ^ Vector512.Create(int.MinValue)).AsUInt32();
    }

    /// <summary>The 17 taps as (f_2m, f_2m+1) pairs in every 32-bit lane, the last paired with 0.</summary>
    private readonly struct TapPairs(ushort[] f)
    {
        public readonly Vector512<short> T0 = Pair(f[0], f[1]), T1 = Pair(f[2], f[3]), T2 = Pair(f[4], f[5]), T3 = Pair(f[6], f[7]),
            T4 = Pair(f[8], f[9]), T5 = Pair(f[10], f[11]), T6 = Pair(f[12], f[13]), T7 = Pair(f[14], f[15]), T8 = Pair(f[16], 0);

        private static Vector512<short> Pair(ushort a, ushort b) => Vector512.Create(a | (uint)b << 16).AsInt16();
    }

    /// <summary>(2^16 H + L + 2^15) >> 16 for the horizontally filtered high and low halves: H + ((L + 2^15) >> 16).</summary>
    private static Vector512<uint> Recombine(Vector512<uint> hi, Vector512<uint> lo) =>
        hi + Vector512.ShiftRightLogical(lo + Vector512.Create(32768u), 16);

    private static void VerticalScalar(ushort[] taps, ushort[] r, ushort[] d, ReadOnlySpan<int> rows, int j, Rows s)
    {
        uint mu1 = 0, mu2 = 0, rr = 0, dd = 0, rd = 0;
        for (int k = 0; k < Fw; k++)
        {
            uint f = taps[k], pr = r[rows[k] + j], pd = d[rows[k] + j];
            mu1 += f * pr;
            mu2 += f * pd;
            rr += f * pr * pr;
            dd += f * pd * pd;
            rd += f * pr * pd;
        }
        s.Set(Pad + j, (mu1 + 128) >> 8, (mu2 + 128) >> 8, rr, dd, rd);
    }
}
