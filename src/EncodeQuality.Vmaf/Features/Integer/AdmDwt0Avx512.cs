using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EncodeQuality.Vmaf.Features.Integer;

/// <summary>
/// ADM's first DWT level (<see cref="IntegerAdmExtractor"/>'s Dwt0Row) on AVX-512BW's 16-bit
/// multiply-adds (vpmaddwd: two 16x16-bit products summed into 32 bits). Everything at this level
/// fits 16 bits, as libvmaf keeps it: samples of up to 15 bits, the Q15 db2 taps, and the
/// vertical pass's int16 rows. Each multiply-add takes two taps of four at once, so a vertical
/// output is two of them and a horizontal output two more. The int32 sums and their int16
/// truncations are the scalar form's.
/// </summary>
internal static class AdmDwt0Avx512
{
    public static bool IsSupported => Avx512BW.IsSupported;

    /// <summary>Whether samples of this depth fit vpmaddwd's signed 16-bit multiplicands.</summary>
    public static bool Fits(int bpc) => bpc <= 15;

    private const int Columns = 32;  // one 512-bit vector of 16-bit samples

    // libvmaf integer_adm.h: dwt2_db2_coeffs_lo/hi (Q15), as the scalar form has them.
    private const short Lo0 = 15826, Lo1 = 27411, Lo2 = 7345, Lo3 = -4240;
    private const short Hi0 = -4240, Hi1 = -7345, Hi2 = 27411, Hi3 = -15826;
    private const int LoSum = 46342;

    /// <summary>The vertical pass's int16 rows (low-pass, high-pass), with slack for the last loads.</summary>
    public sealed class Rows(int width)
    {
        public readonly short[] Lo = new short[width + Columns + 2], Hi = new short[width + Columns + 2];
    }

    /// <summary>
    /// Column indices of output j's four horizontal taps (2j-1 .. 2j+2, mirrored at the borders), as
    /// the extractor builds them.
    /// </summary>
    public readonly ref struct TapColumns(int[] c0, int[] c1, int[] c2, int[] c3)
    {
        public readonly int[] C0 = c0, C1 = c1, C2 = c2, C3 = c3;
    }

    /// <summary>
    /// One output row from the picture rows r0..r3 (offsets of rows 2i-1 .. 2i+2, mirrored): the
    /// approximation into <paramref name="approx"/> at oa, the details into h, v, d at od.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Row(ushort[] src, int w, int bpc, int r0, int r1, int r2, int r3, Rows s, in TapColumns cols,
        int[] approx, int oa, int[] h, int[] v, int[] d, int od)
    {
        int addVp = 1 << (bpc - 1);
        int j = 0;
        for (; j + Columns <= w; j += Columns) Vertical(src, r0 + j, r1 + j, r2 + j, r3 + j, bpc, addVp, s, j);
        for (; j < w; j++)
        {
            int s0 = src[r0 + j], s1 = src[r1 + j], s2 = src[r2 + j], s3 = src[r3 + j];
            s.Lo[j] = (short)((Lo0 * s0 + Lo1 * s1 + Lo2 * s2 + Lo3 * s3 - LoSum * addVp + addVp) >> bpc);
            s.Hi[j] = (short)((Hi0 * s0 + Hi1 * s1 + Hi2 * s2 + Hi3 * s3 + addVp) >> bpc);
        }

        // Outputs whose four taps 2j-1 .. 2j+2 lie inside the row, sixteen at a time; the rest, with
        // mirrored taps, one at a time.
        int ow = (w + 1) / 2, end = w / 2 - 1, o = 1;
        for (; o + Columns / 2 <= end; o += Columns / 2) Horizontal(s, o, approx, oa, h, v, d, od);
        for (int jo = 0; jo < ow; jo++)
        {
            if (jo == 1) jo = o;
            if (jo >= ow) break;
            int c0 = cols.C0[jo], c1 = cols.C1[jo], c2 = cols.C2[jo], c3 = cols.C3[jo];
            int l0 = s.Lo[c0], l1 = s.Lo[c1], l2 = s.Lo[c2], l3 = s.Lo[c3];
            approx[oa + jo] = (short)((Lo0 * l0 + Lo1 * l1 + Lo2 * l2 + Lo3 * l3 + 32768) >> 16);
            v[od + jo] = (short)((Hi0 * l0 + Hi1 * l1 + Hi2 * l2 + Hi3 * l3 + 32768) >> 16);
            int h0 = s.Hi[c0], h1 = s.Hi[c1], h2 = s.Hi[c2], h3 = s.Hi[c3];
            h[od + jo] = (short)((Lo0 * h0 + Lo1 * h1 + Lo2 * h2 + Lo3 * h3 + 32768) >> 16);
            d[od + jo] = (short)((Hi0 * h0 + Hi1 * h1 + Hi2 * h2 + Hi3 * h3 + 32768) >> 16);
        }
    }

    /// <summary>
    /// 32 columns of the vertical pass: rows 0 and 1, and rows 2 and 3, interleaved meet the tap
    /// pairs. unpacklo/unpackhi interleave within 128-bit lanes; a two-source word permute takes
    /// each sum's low 16 bits (the int16 truncation) back into column order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Vertical(ushort[] src, int a0, int a1, int a2, int a3, int bpc, int addVp, Rows s, int j)
    {
        var s0 = Load(src, a0);
        var s1 = Load(src, a1);
        var s2 = Load(src, a2);
        var s3 = Load(src, a3);
        var x01 = Avx512BW.UnpackLow(s0, s1);
        var y01 = Avx512BW.UnpackHigh(s0, s1);
        var x23 = Avx512BW.UnpackLow(s2, s3);
        var y23 = Avx512BW.UnpackHigh(s2, s3);
        Vector512<short> lo01 = Avx512Words.Pair(Lo0, Lo1), lo23 = Avx512Words.Pair(Lo2, Lo3), hi01 = Avx512Words.Pair(Hi0, Hi1), hi23 = Avx512Words.Pair(Hi2, Hi3);
        var loOffset = Vector512.Create(-LoSum * addVp + addVp);
        var hiOffset = Vector512.Create(addVp);
        var loX = Avx512BW.MultiplyAddAdjacent(x01, lo01) + Avx512BW.MultiplyAddAdjacent(x23, lo23) + loOffset;
        var loY = Avx512BW.MultiplyAddAdjacent(y01, lo01) + Avx512BW.MultiplyAddAdjacent(y23, lo23) + loOffset;
        var hiX = Avx512BW.MultiplyAddAdjacent(x01, hi01) + Avx512BW.MultiplyAddAdjacent(x23, hi23) + hiOffset;
        var hiY = Avx512BW.MultiplyAddAdjacent(y01, hi01) + Avx512BW.MultiplyAddAdjacent(y23, hi23) + hiOffset;
        var order = Avx512Words.InColumnOrder;
        Avx512BW.PermuteVar32x16x2(Vector512.ShiftRightArithmetic(loX, bpc).AsInt16(), order, Vector512.ShiftRightArithmetic(loY, bpc).AsInt16())
            .StoreUnsafe(ref s.Lo[0], (nuint)j);
        Avx512BW.PermuteVar32x16x2(Vector512.ShiftRightArithmetic(hiX, bpc).AsInt16(), order, Vector512.ShiftRightArithmetic(hiY, bpc).AsInt16())
            .StoreUnsafe(ref s.Hi[0], (nuint)j);
    }

    /// <summary>
    /// Sixteen outputs o.. of the horizontal pass: the 32-bit lane m of a load at 2(o+m)-1 holds
    /// taps 0 and 1 of output o+m, and of a load two further on taps 2 and 3. Sums rounded by 16 and
    /// truncated to int16, as the scalar form stores them in int.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Horizontal(Rows s, int o, int[] approx, int oa, int[] h, int[] v, int[] d, int od)
    {
        ref short lo = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(s.Lo), 2 * o - 1);
        ref short hi = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(s.Hi), 2 * o - 1);
        var lo01 = Vector512.LoadUnsafe(ref lo);
        var lo23 = Vector512.LoadUnsafe(ref lo, 2);
        var hi01 = Vector512.LoadUnsafe(ref hi);
        var hi23 = Vector512.LoadUnsafe(ref hi, 2);
        Store(Filter(lo01, lo23, Avx512Words.Pair(Lo0, Lo1), Avx512Words.Pair(Lo2, Lo3)), approx, oa + o);
        Store(Filter(lo01, lo23, Avx512Words.Pair(Hi0, Hi1), Avx512Words.Pair(Hi2, Hi3)), v, od + o);
        Store(Filter(hi01, hi23, Avx512Words.Pair(Lo0, Lo1), Avx512Words.Pair(Lo2, Lo3)), h, od + o);
        Store(Filter(hi01, hi23, Avx512Words.Pair(Hi0, Hi1), Avx512Words.Pair(Hi2, Hi3)), d, od + o);
    }

    private static Vector512<int> Filter(Vector512<short> x01, Vector512<short> x23, Vector512<short> t01, Vector512<short> t23)
    {
        var sum = Avx512BW.MultiplyAddAdjacent(x01, t01) + Avx512BW.MultiplyAddAdjacent(x23, t23) + Vector512.Create(32768);
        return Vector512.ShiftRightArithmetic(Vector512.ShiftLeft(Vector512.ShiftRightArithmetic(sum, 16), 16), 16);
    }

    private static void Store(Vector512<int> x, int[] to, int at) => x.StoreUnsafe(ref to[0], (nuint)at);

    private static Vector512<short> Load(ushort[] plane, int at) => Vector512.LoadUnsafe(ref plane[0], (nuint)at).AsInt16();
}
