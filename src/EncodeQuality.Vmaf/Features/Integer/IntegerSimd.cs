namespace EncodeQuality.Vmaf.Features.Integer;

/// <summary>
/// Whether the integer extractors take their vector kernels. Every kernel has a scalar form that
/// defines the values; the tests turn the vectors off to check that both give the same integers.
/// </summary>
internal static class IntegerSimd
{
    public static bool Enabled = true;

    /// <summary>Vector&lt;T&gt; kernels (256 or 128 bits, as the CPU offers).</summary>
    public static bool Vector => Enabled && System.Numerics.Vector.IsHardwareAccelerated;

    /// <summary>The AVX-512 kernels of VIF.</summary>
    public static bool Avx512 => Enabled && VifScale0Avx512.IsSupported;
}
