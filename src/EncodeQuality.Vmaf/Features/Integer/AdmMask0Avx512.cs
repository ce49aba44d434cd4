using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EncodeQuality.Vmaf.Features.Integer;

/// <summary>
/// ADM's contrast masking and cube pooling at scale 0 (<see cref="IntegerAdmExtractor"/>'s
/// CmRowVector), sixteen coefficients at a time with AVX-512. The clipped coefficient x is below
/// 2^31, so its square and cube take vpmuldq (signed 32 x 32 -> 64 bits) on the even and odd
/// lanes instead of widening to 64-bit multiplies, and vpmuldq reads only the low 32 bits of the
/// rounded square, which is libvmaf's (int32_t) cast of it. Integer sums, so the order of the
/// lanes does not matter.
/// </summary>
internal static class AdmMask0Avx512
{
    public static bool IsSupported => Avx512F.IsSupported;

    private const int Lanes = 16;

    /// <summary>Scale 0's constants of one level's masking: the Q21/Q23 CSF factors and the cube's rounding shifts.</summary>
    public readonly record struct Factors(int RfH, int RfV, int RfD, long AddCubHV, int ShiftCubHV, long AddCubD, int ShiftCubD);

    /// <summary>
    /// Columns j.. of band row b (a and c the rows above and below) while sixteen fit before
    /// endCol; adds each orientation's cubes to its sum and returns the first column left.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Row(in Factors f, int[] h, int[] v, int[] d, int[] angleH, int[] angleV, int[] angleD, int[] flt,
        int a, int b, int c, int j, int endCol, ref long accH, ref long accV, ref long accD)
    {
        Vector512<long> sumH = default, sumV = default, sumD = default;
        for (; j + Lanes <= endCol; j += Lanes)
        {
            nuint p = (nuint)(b + j);
            var thr = Neighbours(flt, a, b, c, j) + Centre(angleH, p) + Centre(angleV, p) + Centre(angleD, p);
            var thrHV = Vector512.ShiftLeft(thr, 10);
            sumH += Cubes(Vector512.LoadUnsafe(ref h[0], p) * Vector512.Create(f.RfH), thrHV, 268435456, 29, f.AddCubHV, f.ShiftCubHV);
            sumV += Cubes(Vector512.LoadUnsafe(ref v[0], p) * Vector512.Create(f.RfV), thrHV, 268435456, 29, f.AddCubHV, f.ShiftCubHV);
            sumD += Cubes(Vector512.LoadUnsafe(ref d[0], p) * Vector512.Create(f.RfD), Vector512.ShiftLeft(thr, 12), 536870912, 30, f.AddCubD, f.ShiftCubD);
        }
        accH += Vector512.Sum(sumH);
        accV += Vector512.Sum(sumV);
        accD += Vector512.Sum(sumD);
        return j;
    }

    /// <summary>The eight neighbours' flt values around columns j.. of row b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Neighbours(int[] flt, int a, int b, int c, int j)
    {
        ref int f = ref flt[0];
        return Vector512.LoadUnsafe(ref f, (nuint)(a + j - 1)) + Vector512.LoadUnsafe(ref f, (nuint)(a + j)) + Vector512.LoadUnsafe(ref f, (nuint)(a + j + 1))
             + Vector512.LoadUnsafe(ref f, (nuint)(b + j - 1)) + Vector512.LoadUnsafe(ref f, (nuint)(b + j + 1))
             + Vector512.LoadUnsafe(ref f, (nuint)(c + j - 1)) + Vector512.LoadUnsafe(ref f, (nuint)(c + j)) + Vector512.LoadUnsafe(ref f, (nuint)(c + j + 1));
    }

    /// <summary>One orientation's centre term: (short)(|angle| ONE_BY_15 + 2^11) >> 12), ONE_BY_15 = 8738.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Centre(int[] angles, nuint p)
    {
        var x = Vector512.ShiftRightArithmetic(Vector512.Create(8738) * Vector512.Abs(Vector512.LoadUnsafe(ref angles[0], p)) + Vector512.Create(2048), 12);
        return Vector512.ShiftRightArithmetic(Vector512.ShiftLeft(x, 16), 16);
    }

    /// <summary>ADM_CM_ACCUM_ROUND for sixteen coefficients: max(|x| - thr, 0) cubed through two rounding shifts, as eight 64-bit sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> Cubes(Vector512<int> weighted, Vector512<int> thr, long addSq, int shiftSq, long addCub, int shiftCub)
    {
        var x = Vector512.Max(Vector512.Abs(weighted) - thr, Vector512<int>.Zero);
        var odd = Vector512.ShiftRightLogical(x.AsInt64(), 32).AsInt32();
        return Cube(x, addSq, shiftSq, addCub, shiftCub) + Cube(odd, addSq, shiftSq, addCub, shiftCub);
    }

    /// <summary>The cube of each 64-bit lane's low int32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> Cube(Vector512<int> x, long addSq, int shiftSq, long addCub, int shiftCub)
    {
        var sq = Vector512.ShiftRightArithmetic(Avx512F.Multiply(x, x) + Vector512.Create(addSq), shiftSq);
        return Vector512.ShiftRightArithmetic(Avx512F.Multiply(sq.AsInt32(), x) + Vector512.Create(addCub), shiftCub);
    }
}
