using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EncodeQuality.Vmaf.Features.Integer;

/// <summary>
/// ADM's DWT at scales 1..3 (<see cref="IntegerAdmExtractor"/>'s DwtS123Row, vertical and inner
/// horizontal outputs) with AVX-512. Samples are int32 and the sums int64, as in libvmaf; vpmuldq
/// multiplies the low (signed) int32 of each 64-bit lane into 64 bits, so the even columns are
/// taken where they lie and the odd ones after a 32-bit shift, with no widening, and the low
/// 32 bits of each rounded sum are the scalar form's (int) truncation.
/// </summary>
internal static class AdmDwtS123Avx512
{
    public static bool IsSupported => Avx512F.IsSupported;

    // libvmaf integer_adm.h: dwt2_db2_coeffs_lo/hi (Q15), as the scalar form has them.
    private const int Lo0 = 15826, Lo1 = 27411, Lo2 = 7345, Lo3 = -4240;
    private const int Hi0 = -4240, Hi1 = -7345, Hi2 = 27411, Hi3 = -15826;

    /// <summary>
    /// The vertical pass of the columns 0.. of rows r0..r3 of src, sixteen at a time, into
    /// tmp[0, w) (low-pass) and tmp[w, 2w) (high-pass); returns the first column left.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Vertical(int[] src, int r0, int r1, int r2, int r3, int w, long add, int shift, int[] tmp)
    {
        int j = 0;
        var round = Vector512.Create(add);
        for (; j + 16 <= w; j += 16)
        {
            var s0 = Vector512.LoadUnsafe(ref src[0], (nuint)(r0 + j));
            var s1 = Vector512.LoadUnsafe(ref src[0], (nuint)(r1 + j));
            var s2 = Vector512.LoadUnsafe(ref src[0], (nuint)(r2 + j));
            var s3 = Vector512.LoadUnsafe(ref src[0], (nuint)(r3 + j));
            var (o0, o1, o2, o3) = (Odd(s0), Odd(s1), Odd(s2), Odd(s3));
            Join(Taps(s0, s1, s2, s3, Lo0, Lo1, Lo2, Lo3, round, shift), Taps(o0, o1, o2, o3, Lo0, Lo1, Lo2, Lo3, round, shift))
                .StoreUnsafe(ref tmp[0], (nuint)j);
            Join(Taps(s0, s1, s2, s3, Hi0, Hi1, Hi2, Hi3, round, shift), Taps(o0, o1, o2, o3, Hi0, Hi1, Hi2, Hi3, round, shift))
                .StoreUnsafe(ref tmp[0], (nuint)(w + j));
        }
        return j;
    }

    /// <summary>
    /// Outputs 1.. of the horizontal pass whose taps 2j-1 .. 2j+2 lie inside the row, eight at a
    /// time: the 64-bit lane m of a load at 2j-2 holds column 2(j+m)-1 in its high half, one at 2j
    /// columns 2(j+m) and 2(j+m)+1, one at 2j+2 column 2(j+m)+2 in its low half. Returns the first
    /// output left.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Horizontal(int[] tmp, int w, long add, int shift, int[] approx, int oa, int[] h, int[] v, int[] d, int od)
    {
        int last = (w - 3) / 2, j = 1; // the last output whose taps stay inside the row
        var round = Vector512.Create(add);
        for (; j + 7 <= last; j += 8)
        {
            Outputs(tmp, 2 * j, round, shift, approx, oa + j, v, od + j);
            Outputs(tmp, w + 2 * j, round, shift, h, od + j, d, od + j);
        }
        return j;
    }

    /// <summary>Eight outputs of both filters from the row at tmp[at - 1 ..].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Outputs(int[] tmp, int at, Vector512<long> round, int shift, int[] low, int lowAt, int[] high, int highAt)
    {
        ref int row = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(tmp), at - 2);
        var before = Vector512.LoadUnsafe(ref row);
        var here = Vector512.LoadUnsafe(ref row, 2);
        var after = Vector512.LoadUnsafe(ref row, 4);
        var x0 = Odd(before);
        var x2 = Odd(here);
        Avx512F.ConvertToVector256Int32(Taps(x0, here, x2, after, Lo0, Lo1, Lo2, Lo3, round, shift)).StoreUnsafe(ref low[0], (nuint)lowAt);
        Avx512F.ConvertToVector256Int32(Taps(x0, here, x2, after, Hi0, Hi1, Hi2, Hi3, round, shift)).StoreUnsafe(ref high[0], (nuint)highAt);
    }

    /// <summary>(f0 s0 + f1 s1 + f2 s2 + f3 s3 + add) >> shift on the low int32 of each 64-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> Taps(Vector512<int> s0, Vector512<int> s1, Vector512<int> s2, Vector512<int> s3,
        int f0, int f1, int f2, int f3, Vector512<long> round, int shift) =>
        Vector512.ShiftRightArithmetic(Avx512F.Multiply(s0, Vector512.Create(f0)) + Avx512F.Multiply(s1, Vector512.Create(f1))
            + Avx512F.Multiply(s2, Vector512.Create(f2)) + Avx512F.Multiply(s3, Vector512.Create(f3)) + round, shift);

    /// <summary>Each 64-bit lane's high int32 moved to its low half.</summary>
    private static Vector512<int> Odd(Vector512<int> x) => Vector512.ShiftRightLogical(x.AsInt64(), 32).AsInt32();

    /// <summary>The even lanes' and the odd lanes' int32 results back in column order.</summary>
    private static Vector512<int> Join(Vector512<long> even, Vector512<long> odd) =>
        ((even & Vector512.Create(0xFFFFFFFFL)) | Vector512.ShiftLeft(odd, 32)).AsInt32();
}
