using System.Numerics;
using System.Runtime.CompilerServices;

namespace EncodeQuality.Vmaf.Features;

/// <summary>
/// Vector helpers the extractors share. Kernels use <see cref="Vector{T}"/>: 256-bit lanes on AVX2,
/// 128-bit on SSE and NEON, scalar reference paths otherwise.
/// </summary>
internal static class VectorMath
{
    public static bool Accelerated => Vector.IsHardwareAccelerated;

    /// <summary>
    /// a * b + c, fused where the hardware fuses it (without FMA a fused call is emulated in
    /// software, far slower). IsSupported is a JIT-time constant, so the test costs nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> MulAdd(Vector<float> a, Vector<float> b, Vector<float> c) =>
        System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported
            ? Vector.FusedMultiplyAdd(a, b, c)
            : a * b + c;

    /// <summary>
    /// log2 of positive floats: exponent from the bits, mantissa m in [sqrt(1/2), sqrt(2))
    /// through log(m) = 2 atanh((m-1)/(m+1)) as an odd series to t^9 (|t| &lt; 0.172, so the
    /// truncation is below 1e-8 relative). Matches MathF.Log2 to a few float ulps.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Log2(Vector<float> x)
    {
        var bits = Vector.AsVectorInt32(x);
        var exponent = Vector.ShiftRightLogical(bits, 23) - new Vector<int>(127);
        var mantissa = Vector.AsVectorSingle((bits & new Vector<int>(0x007FFFFF)) | new Vector<int>(0x3F800000)); // [1, 2)
        // Fold [sqrt 2, 2) down to [sqrt 2 / 2, 1) so the series argument stays small.
        var big = Vector.GreaterThan(mantissa, new Vector<float>(1.41421356f));
        mantissa = Vector.ConditionalSelect(big, mantissa * 0.5f, mantissa);
        exponent += big & Vector<int>.One;
        var t = (mantissa - Vector<float>.One) / (mantissa + Vector<float>.One);
        var t2 = t * t;
        var series = new Vector<float>(1f / 9f);
        series = series * t2 + new Vector<float>(1f / 7f);
        series = series * t2 + new Vector<float>(1f / 5f);
        series = series * t2 + new Vector<float>(1f / 3f);
        series = series * t2 + Vector<float>.One;
        var lnM = 2f * t * series;
        return Vector.ConvertToSingle(exponent) + lnM * 1.44269504f;
    }

    /// <summary>Even lanes of a, then even lanes of b (the low halves of their 64-bit pairs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> EvenLanes(Vector<float> a, Vector<float> b) =>
        Vector.AsVectorSingle(Vector.Narrow(Vector.AsVectorUInt64(a), Vector.AsVectorUInt64(b)));
}
