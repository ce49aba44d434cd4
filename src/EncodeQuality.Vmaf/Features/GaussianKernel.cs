namespace EncodeQuality.Vmaf.Features;

/// <summary>
/// libvmaf's Gaussian filter taps (vif_tools.c: vif_get_filter_size, get_1d_gaussian_kernel),
/// used by float VIF and SpEED: the size grows with the kernel scale, each tap is the Gaussian
/// density with its exponent in double and both factors rounded to float, and the taps are
/// normalised by their float sum, so they equal libvmaf's to the bit.
/// </summary>
internal static class GaussianKernel
{
    /// <summary>The kernel scales libvmaf accepts (vif_tools.h valid_kernelscales).</summary>
    private static readonly float[] ValidScales =
    [
        1.0f, 1.0f / 2.0f, 3.0f / 2.0f, 2.0f, 2.0f / 3.0f, 24.0f / 10.0f, 360.0f / 97.0f, 4.0f / 3.0f, 3.5f / 3.0f,
        3.75f / 3.0f, 4.25f / 3.0f, 5.0f / 3.0f, 3.0f, 1.0f / 2.25f, 1.4746f, 1.54f, 1.6f, 1.06667f, 0.711111f,
        0.740740f, 1.111111f,
    ];

    public static bool IsValidScale(float kernelScale) => ValidScales.Any(s => MathF.Abs(kernelScale - s) < 1e-3f);

    /// <summary>Taps at a VIF scale (0..4): 2^(4 - scale) + 1 times the kernel scale, rounded up to odd, at least 3.</summary>
    public static int Size(int scale, float kernelScale)
    {
        int ceiling = (int)Math.Ceiling((double)(((1 << (4 - scale)) + 1) * kernelScale));
        return Math.Max(ceiling % 2 == 0 ? ceiling + 1 : ceiling, 3);
    }

    /// <summary>Normalised taps of a Gaussian with the given deviation.</summary>
    public static float[] Taps(int size, float sigma)
    {
        var t = new float[size];
        float sum = 0;
        for (int i = 0; i < size; i++)
        {
            float x = i - (size - 1) / 2;
            float num = (float)Math.Exp(-0.5 * x / sigma * x / sigma);
            float den = (float)(1 / (sigma * Math.Sqrt(2 * Math.PI)));
            t[i] = num / den;
            sum += t[i];
        }
        for (int i = 0; i < size; i++) t[i] /= sum;
        return t;
    }
}
