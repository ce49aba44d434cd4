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

    /// <summary>Even lanes of a, then even lanes of b (the low halves of their 64-bit pairs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> EvenLanes(Vector<float> a, Vector<float> b) =>
        Vector.AsVectorSingle(Vector.Narrow(Vector.AsVectorUInt64(a), Vector.AsVectorUInt64(b)));
}
