namespace EncodeQuality.Vmaf.Features.Integer;

/// <summary>
/// Whether the integer extractors take their vector kernels. Every kernel has a scalar form that
/// defines the values; the tests run the scalar forms in a child process started with the
/// runtime's DOTNET_EnableHWIntrinsic=0 and check that both give the same integers.
/// </summary>
internal static class IntegerSimd
{
    /// <summary>Vector&lt;T&gt; kernels (512, 256 or 128 bits, as the CPU and the runtime offer).</summary>
    public static bool Vector => System.Numerics.Vector.IsHardwareAccelerated;

    /// <summary>The AVX-512 kernels of VIF.</summary>
    public static bool Avx512 => VifRowAvx512.IsSupported;
}
