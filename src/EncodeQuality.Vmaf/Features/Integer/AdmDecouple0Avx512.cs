using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EncodeQuality.Vmaf.Features.Integer;

/// <summary>
/// ADM's decoupling at scale 0 (<see cref="IntegerAdmExtractor"/>'s DecoupleRow and Restore16),
/// sixteen coefficients at a time with AVX-512. The first level's bands stay within ±22930
/// (27411, the vertical pass's bound, times the sum of the horizontal taps' magnitudes, 54822,
/// over 2^16), so the angle test's products pair up in 16-bit multiply-adds
/// (o_h t_h + o_v t_v in one vpmaddwd) whose int32 sums are exact, and reach float as the scalar
/// form's int64 sums do. The reciprocal comes from libvmaf's table through gathers; the quotient
/// in 64-bit lanes; the gain limit in doubles. Lane by lane, the scalar form's integers.
/// </summary>
internal static unsafe class AdmDecouple0Avx512
{
    public static bool IsSupported =>
        Avx512BW.IsSupported && Avx512DQ.IsSupported && Avx2.IsSupported;

    private const int Lanes = 16;

    /// <summary>The bands of one ring row the decoupling reads and writes.</summary>
    public readonly ref struct Bands(int[] oh, int[] ov, int[] od, int[] th, int[] tv, int[] td,
        int[] rh, int[] rv, int[] rd, int[] ah, int[] av, int[] ad)
    {
        public readonly int[] Oh = oh, Ov = ov, Od = od, Th = th, Tv = tv, Td = td;
        public readonly int[] Rh = rh, Rv = rv, Rd = rd, Ah = ah, Av = av, Ad = ad;
    }

    /// <summary>
    /// Columns left.. of the row at <paramref name="row"/>, sixteen at a time; returns the first
    /// column left. divLookup is libvmaf's 2^30 / i at i + 32768; cos1DegSq the angle rule's bound.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Row(in Bands b, int row, int left, int right, double limit, int[] divLookup, double cos1DegSq)
    {
        int j = left;
        fixed (int* table = divLookup)
            for (; j + Lanes <= right; j += Lanes)
            {
                nuint p = (nuint)(row + j);
                var oh = Vector512.LoadUnsafe(ref b.Oh[0], p);
                var ov = Vector512.LoadUnsafe(ref b.Ov[0], p);
                var od = Vector512.LoadUnsafe(ref b.Od[0], p);
                var th = Vector512.LoadUnsafe(ref b.Th[0], p);
                var tv = Vector512.LoadUnsafe(ref b.Tv[0], p);
                var td = Vector512.LoadUnsafe(ref b.Td[0], p);
                var angle = AngleFlag(oh, ov, th, tv, cos1DegSq);
                Restore(oh, th, angle, limit, table, b.Rh, b.Ah, p);
                Restore(ov, tv, angle, limit, table, b.Rv, b.Av, p);
                Restore(od, td, angle, limit, table, b.Rd, b.Ad, p);
            }
        return j;
    }

    /// <summary>
    /// dp >= 0 and dp^2 >= cos^2(1 degree) (|o|^2 / 4096) (|t|^2 / 4096), with dp = o.t / 4096:
    /// each int32 sum rounded to float, the rest in double in the scalar form's order. All ones where true.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> AngleFlag(Vector512<int> oh, Vector512<int> ov, Vector512<int> th, Vector512<int> tv, double cos1DegSq)
    {
        var o = ((oh & Vector512.Create(0xFFFF)) | Vector512.ShiftLeft(ov, 16)).AsInt16();
        var t = ((th & Vector512.Create(0xFFFF)) | Vector512.ShiftLeft(tv, 16)).AsInt16();
        var dp = Avx512F.ConvertToVector512Single(Avx512BW.MultiplyAddAdjacent(o, t));
        var oo = Avx512F.ConvertToVector512Single(Avx512BW.MultiplyAddAdjacent(o, o));
        var tt = Avx512F.ConvertToVector512Single(Avx512BW.MultiplyAddAdjacent(t, t));
        return Vector512.Create(AngleHalf(dp.GetLower(), oo.GetLower(), tt.GetLower(), cos1DegSq),
            AngleHalf(dp.GetUpper(), oo.GetUpper(), tt.GetUpper(), cos1DegSq));
    }

    private static Vector256<int> AngleHalf(Vector256<float> dpF, Vector256<float> oF, Vector256<float> tF, double cos1DegSq)
    {
        var scale = Vector512.Create(4096.0);
        var dp = Avx512F.ConvertToVector512Double(dpF) / scale;
        var bound = Vector512.Create(cos1DegSq) * (Avx512F.ConvertToVector512Double(oF) / scale) * (Avx512F.ConvertToVector512Double(tF) / scale);
        var flag = Vector512.GreaterThanOrEqual(dp, Vector512<double>.Zero) & Vector512.GreaterThanOrEqual(dp * dp, bound);
        return Avx512F.ConvertToVector256Int32(flag.AsInt64());
    }

    /// <summary>
    /// One orientation: k = clamp((div_lookup[o] t + 2^14) >> 15, 0, 32768) (32768 where o = 0),
    /// rst = (short)((k o + 2^14) >> 15), the gain limit where the angle rule holds and k o is not
    /// 0, and the impairment (short)(t - rst).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Restore(Vector512<int> o, Vector512<int> t, Vector512<int> angle, double limit, int* table,
        int[] restored, int[] impairment, nuint p)
    {
        var index = o + Vector512.Create(32768);
        var recip = Vector512.Create(Avx2.GatherVector256(table, index.GetLower(), 4), Avx2.GatherVector256(table, index.GetUpper(), 4));
        // vpmuldq multiplies the even int32 lanes; the odd ones are moved down first.
        var round = Vector512.Create(16384L);
        var even = Avx512F.ShiftRightArithmetic(Avx512F.Multiply(recip, t) + round, 15);
        var odd = Avx512F.ShiftRightArithmetic(
            Avx512F.Multiply(Vector512.ShiftRightLogical(recip.AsInt64(), 32).AsInt32(), Vector512.ShiftRightLogical(t.AsInt64(), 32).AsInt32()) + round, 15);
        var quotient = ((even & Vector512.Create(0xFFFFFFFFL)) | Vector512.ShiftLeft(odd, 32)).AsInt32();
        var zero = Vector512<int>.Zero;
        quotient = Vector512.ConditionalSelect(Vector512.Equals(o, zero), Vector512.Create(32768), quotient);
        var k = Vector512.Min(Vector512.Max(quotient, zero), Vector512.Create(32768));
        var rst = ToInt16(Vector512.ShiftRightArithmetic(k * o + Vector512.Create(16384), 15));
        // rst_f = (k / 32768) (o / 64) in float is positive iff k > 0 and o > 0, negative iff k > 0 and o < 0.
        var gain = angle & Vector512.GreaterThan(k, zero);
        var up = gain & Vector512.GreaterThan(o, zero);
        var down = gain & Vector512.LessThan(o, zero);
        if ((up | down) != zero)
        {
            var lim = Vector512.Create(limit);
            var scaledLo = Avx512F.ConvertToVector512Double(rst.GetLower()) * lim;
            var scaledHi = Avx512F.ConvertToVector512Double(rst.GetUpper()) * lim;
            var tLo = Avx512F.ConvertToVector512Double(t.GetLower());
            var tHi = Avx512F.ConvertToVector512Double(t.GetUpper());
            var min = Vector512.Create(Avx512F.ConvertToVector256Int32WithTruncation(Vector512.Min(scaledLo, tLo)),
                Avx512F.ConvertToVector256Int32WithTruncation(Vector512.Min(scaledHi, tHi)));
            var max = Vector512.Create(Avx512F.ConvertToVector256Int32WithTruncation(Vector512.Max(scaledLo, tLo)),
                Avx512F.ConvertToVector256Int32WithTruncation(Vector512.Max(scaledHi, tHi)));
            rst = Vector512.ConditionalSelect(up, ToInt16(min), Vector512.ConditionalSelect(down, ToInt16(max), rst));
        }
        rst.StoreUnsafe(ref restored[0], p);
        ToInt16(t - rst).StoreUnsafe(ref impairment[0], p);
    }

    private static Vector512<int> ToInt16(Vector512<int> x) => Vector512.ShiftRightArithmetic(Vector512.ShiftLeft(x, 16), 16);
}
