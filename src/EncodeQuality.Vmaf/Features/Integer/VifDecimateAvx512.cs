using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EncodeQuality.Vmaf.Features.Integer;

/// <summary>
/// VIF's low-pass and 2x decimation between scales (<see cref="IntegerVifExtractor"/>'s
/// Subsample) on AVX-512BW's 16-bit multiply-adds (vpmaddwd), for the 9- and 5-tap filters whose
/// taps fit a signed 16-bit lane (the 3-tap filter's 43728 does not). Samples and the vertical
/// pass's rounded means are all below 2^16, so both passes work on 16-bit values, 32 per vector,
/// instead of widening them to 32 bits. vpmaddwd multiplies signed values: a value v enters as
/// v - 2^15, and because each filter's taps sum to 2^16 every sum is off by exactly -2^31,
/// restored by flipping its top bit. Each true sum is below 2^32 as an unsigned number (at most
/// 65535 x 65536 plus the rounding term), so the results are the scalar form's integers.
/// </summary>
internal static class VifDecimateAvx512
{
    public static bool IsSupported => Avx512BW.IsSupported;

    private const int Columns = 32;  // one 512-bit vector of 16-bit samples
    private const int Pad = 8;       // at least half of every filter

    /// <summary>The vertical pass's rows of the two pictures, offset by -2^15, padded on each side.</summary>
    public sealed class Rows(int width)
    {
        // Pad on the left; on the right Pad and the slack of the horizontal pass's last loads.
        public readonly ushort[] Ref = new ushort[width + 2 * Pad + 2 * Columns], Dis = new ushort[width + 2 * Pad + 2 * Columns];
    }

    /// <summary>
    /// One output row: the vertical pass at every column of the picture rows <paramref name="rows"/>
    /// (shifted right by <paramref name="shift"/> after adding <paramref name="add"/>), then the
    /// horizontal pass at the even columns, (sum + 2^15) >> 16, into <paramref name="outRef"/> and
    /// <paramref name="outDis"/> from <paramref name="o"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Row(ushort[] taps, ushort[] r, ushort[] d, ReadOnlySpan<int> rows, int w, int shift, uint add,
        Rows s, ushort[] outRef, ushort[] outDis, int o)
    {
        int half = taps.Length / 2;
        int j = 0;
        for (; j + Columns <= w; j += Columns)
        {
            Vertical(taps, r, rows, j, shift, add, s.Ref);
            Vertical(taps, d, rows, j, shift, add, s.Dis);
        }
        for (; j < w; j++)
        {
            uint ar = 0, ad = 0;
            for (int k = 0; k < taps.Length; k++)
            {
                ar += taps[k] * (uint)r[rows[k] + j];
                ad += taps[k] * (uint)d[rows[k] + j];
            }
            s.Ref[Pad + j] = (ushort)(((ar + add) >> shift) ^ 0x8000);
            s.Dis[Pad + j] = (ushort)(((ad + add) >> shift) ^ 0x8000);
        }
        PadRow(s.Ref, w, half);
        PadRow(s.Dis, w, half);

        int ow = w / 2, oj = 0;
        for (; oj + Columns / 2 <= ow; oj += Columns / 2)
        {
            Horizontal(taps, s.Ref, oj).StoreUnsafe(ref outRef[0], (nuint)(o + oj));
            Horizontal(taps, s.Dis, oj).StoreUnsafe(ref outDis[0], (nuint)(o + oj));
        }
        for (; oj < ow; oj++)
        {
            int c = Pad + 2 * oj - half;
            uint ar = 0, ad = 0;
            for (int k = 0; k < taps.Length; k++)
            {
                ar += taps[k] * (uint)(s.Ref[c + k] ^ 0x8000);
                ad += taps[k] * (uint)(s.Dis[c + k] ^ 0x8000);
            }
            outRef[o + oj] = (ushort)((ar + 32768) >> 16);
            outDis[o + oj] = (ushort)((ad + 32768) >> 16);
        }
    }

    /// <summary>
    /// The vertical pass of 32 columns: rows k and k+1 interleaved meet the taps (f_k, f_k+1), the
    /// last odd row paired with a zero tap. unpacklo/unpackhi interleave within 128-bit lanes and
    /// packus undoes it, so the stored row is in column order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Vertical(ushort[] taps, ushort[] plane, ReadOnlySpan<int> rows, int j, int shift, uint add, ushort[] row)
    {
        var offset = Vector512.Create(unchecked((short)0x8000));
        Vector512<int> lo = default, hi = default;
        for (int k = 0; k < taps.Length; k += 2)
        {
            var a = Load(plane, rows[k] + j) ^ offset;
            var b = k + 1 < taps.Length ? Load(plane, rows[k + 1] + j) ^ offset : a;
            var pair = Avx512Words.Pair(taps, k);
            lo += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(a, b), pair);
            hi += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(a, b), pair);
        }
        var top = Vector512.Create(int.MinValue).AsUInt32();
        var round = Vector512.Create(add);
        var l = Vector512.ShiftRightLogical((lo.AsUInt32() ^ top) + round, shift).AsInt32();
        var h = Vector512.ShiftRightLogical((hi.AsUInt32() ^ top) + round, shift).AsInt32();
        (Avx512BW.PackUnsignedSaturate(l, h) ^ Vector512.Create((ushort)0x8000)).StoreUnsafe(ref row[0], (nuint)(Pad + j));
    }

    /// <summary>
    /// Sixteen outputs of the horizontal pass at columns 2 oj, 2 oj + 2, ...: the 32-bit lane m of a
    /// load at index c + k holds the row's values at 2m + c + k and 2m + c + k + 1, which meet taps
    /// (f_k, f_k+1) of output m, the last paired with 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> Horizontal(ushort[] taps, ushort[] row, int oj)
    {
        ref ushort p = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(row), Pad + 2 * oj - taps.Length / 2);
        var acc = Vector512<int>.Zero;
        for (int k = 0; k < taps.Length; k += 2)
            acc += Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, (nuint)k).AsInt16(),
                Avx512Words.Pair(taps, k));
        var sum = (acc.AsUInt32() ^ Vector512.Create(0x80000000u)) + Vector512.Create(32768u);
        return Avx512F.ConvertToVector256UInt16(Vector512.ShiftRightLogical(sum, 16));
    }

    private static Vector512<short> Load(ushort[] plane, int at) => Vector512.LoadUnsafe(ref plane[0], (nuint)at).AsInt16();

    private static void PadRow(ushort[] row, int w, int half)
    {
        for (int f = 1; f <= half; f++)
        {
            row[Pad - f] = row[Pad + f];
            row[Pad + w - 1 + f] = row[Pad + w - 1 - f];
        }
    }
}
