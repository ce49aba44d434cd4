using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EncodeQuality.Vmaf.Features.Integer;

/// <summary>
/// Motion's blur and SAD (<see cref="IntegerMotionExtractor"/>) on AVX-512BW's 16-bit
/// multiply-adds (vpmaddwd), 32 columns per vector. The differences of samples of up to 12 bits
/// fit 16 bits, and so do the sums of the symmetric pairs of rows the vertical pass adds before
/// its multiply. Its output y (up to 17 bits) is kept as two 16-bit rows, y >> 8 and y &amp; 255,
/// which the horizontal pass filters apart and recombines exactly, as the 32-bit form does:
/// ((A + ((B + 2^15) >> 8)) >> 8 for the filtered parts A and B. Every sum is an exact integer,
/// so the SAD is the scalar form's.
/// </summary>
internal static class MotionBlurAvx512
{
    public static bool IsSupported => Avx512BW.IsSupported;

    /// <summary>Whether differences of samples of this depth, and their pair sums, fit 16 bits.</summary>
    public static bool Fits(int bpc) => bpc <= 12;

    private const int Columns = 32;  // one 512-bit vector of 16-bit values
    private const int Pad = 2;       // half of the 5-tap filter

    // libvmaf integer_motion.h: the 5-tap Gaussian in Q16 (symmetric: f0 f1 f2 f1 f0), as the extractor has it.
    private const short F0 = 3571, F1 = 16004, F2 = 26386;

    /// <summary>The ring of 5 difference rows and the vertical pass's two part rows (padded by 2, with slack).</summary>
    public sealed class Rows(int width)
    {
        public readonly short[] Diff = new short[5 * width];
        public readonly short[] High = new short[width + 2 * Pad + Columns], Low = new short[width + 2 * Pad + Columns];
    }

    /// <summary>Row r of previous - current into the ring at <paramref name="to"/>.</summary>
    public static void Difference(ushort[] prev, ushort[] cur, int from, int to, int w, short[] diff)
    {
        int j = 0;
        for (; j + Columns <= w; j += Columns)
            (Vector512.LoadUnsafe(ref prev[0], (nuint)(from + j)).AsInt16() - Vector512.LoadUnsafe(ref cur[0], (nuint)(from + j)).AsInt16())
                .StoreUnsafe(ref diff[0], (nuint)(to + j));
        for (; j < w; j++) diff[to + j] = (short)(prev[from + j] - cur[from + j]);
    }

    /// <summary>
    /// One row's SAD, sum of |blur(diff)| over its columns, from the ring rows r0..r4 (rows i-2 ..
    /// i+2, mirrored). Zero without the horizontal pass when the vertical one is all zero, as libvmaf
    /// skips such rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long Row(Rows s, int r0, int r1, int r2, int r3, int r4, int w, int bpc)
    {
        short[] diff = s.Diff, high = s.High, low = s.Low;
        int round = 1 << (bpc - 1);
        var any = Vector512<int>.Zero;
        int j = 0;
        for (; j + Columns <= w; j += Columns) any |= Vertical(diff, r0 + j, r1 + j, r2 + j, r3 + j, r4 + j, bpc, round, high, low, Pad + j);
        int anyScalar = 0;
        for (; j < w; j++)
        {
            int y = (F0 * (diff[r0 + j] + diff[r4 + j]) + F1 * (diff[r1 + j] + diff[r3 + j]) + F2 * diff[r2 + j] + round) >> bpc;
            (high[Pad + j], low[Pad + j]) = ((short)(y >> 8), (short)(y & 255));
            anyScalar |= y;
        }
        if (any == Vector512<int>.Zero && anyScalar == 0) return 0;
        PadRow(high, w);
        PadRow(low, w);

        long sad = 0;
        var acc = Vector512<int>.Zero; // at most 2^17 per column: a lane holds w / 16 columns of any real width
        j = 0;
        for (; j + Columns <= w; j += Columns)
            acc += Vector512.Abs(Horizontal(high, low, j)) + Vector512.Abs(Horizontal(high, low, j + 1));
        sad += Vector512.Sum(Avx512F.ConvertToVector512Int64(acc.GetLower())) + Vector512.Sum(Avx512F.ConvertToVector512Int64(acc.GetUpper()));
        for (; j < w; j++)
        {
            long a = 0;
            for (int k = 0; k < 5; k++) a += (long)Tap(k) * (256 * high[j + k] + low[j + k]);
            sad += Math.Abs((int)((a + 32768) >> 16));
        }
        return sad;
    }

    /// <summary>Reflect-101 padding by 2 on each side.</summary>
    private static void PadRow(short[] row, int w)
    {
        row[1] = row[3];
        row[0] = row[4];
        row[w + 2] = row[w];
        row[w + 3] = row[w - 1];
    }

    private static int Tap(int k) => k switch { 0 or 4 => F0, 1 or 3 => F1, _ => F2 };

    /// <summary>
    /// 32 columns of the vertical pass: the outer and inner pairs of rows added, then (pair04,
    /// pair13) meet (f0, f1) and (row2, 0) meets (f2, 0). The results, split into their two parts,
    /// come back to column order through a two-source word permute.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Vertical(short[] diff, int a0, int a1, int a2, int a3, int a4, int bpc, int round,
        short[] high, short[] low, int at)
    {
        var p04 = Load(diff, a0) + Load(diff, a4);
        var p13 = Load(diff, a1) + Load(diff, a3);
        var c = Load(diff, a2);
        var outer = Avx512Words.Pair(F0, F1);
        var centre = Avx512Words.Pair(F2, 0);
        var r = Vector512.Create(round);
        var x = Vector512.ShiftRightArithmetic(Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(p04, p13), outer)
            + Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(c, c), centre) + r, bpc);
        var y = Vector512.ShiftRightArithmetic(Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(p04, p13), outer)
            + Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(c, c), centre) + r, bpc);
        var order = Avx512Words.InColumnOrder;
        var mask = Vector512.Create(255);
        Avx512BW.PermuteVar32x16x2(Vector512.ShiftRightArithmetic(x, 8).AsInt16(), order, Vector512.ShiftRightArithmetic(y, 8).AsInt16())
            .StoreUnsafe(ref high[0], (nuint)at);
        Avx512BW.PermuteVar32x16x2((x & mask).AsInt16(), order, (y & mask).AsInt16()).StoreUnsafe(ref low[0], (nuint)at);
        return x | y;
    }

    /// <summary>
    /// The blurred values of columns c, c+2, ..., c+30 of the row (its index is column + 2): the
    /// 32-bit lane m of a load at c + k holds the values of taps k and k+1 of column c + 2m.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Horizontal(short[] high, short[] low, int c)
    {
        Vector512<short> t01 = Avx512Words.Pair(F0, F1), t23 = Avx512Words.Pair(F2, F1), t4 = Avx512Words.Pair(F0, 0);
        ref short h = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(high), c);
        ref short l = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(low), c);
        var a = Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref h), t01) + Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref h, 2), t23)
              + Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref h, 4), t4);
        var b = Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref l), t01) + Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref l, 2), t23)
              + Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref l, 4), t4) + Vector512.Create(32768);
        return Vector512.ShiftRightArithmetic(a + Vector512.ShiftRightArithmetic(b, 8), 8);
    }

    private static Vector512<short> Load(short[] row, int at) => Vector512.LoadUnsafe(ref row[0], (nuint)at);
}
