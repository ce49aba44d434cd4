namespace EncodeQuality.Vmaf.Features.Integer;

/// <summary>
/// ADM's contrast-sensitivity weights per scale and orientation for the Watson et al. 1997
/// noise-floor model (adm_csf_mode 0), computed with libvmaf's float/double mix
/// (integer_adm.c, dwt_quant_step) so the fixed-point factors derived from them are exact.
/// </summary>
internal static class AdmCsf
{
    // libvmaf adm_tools.h / integer_adm.h: dwt_7_9_YCbCr_threshold[0] (Y) and dwt_7_9_basis_function_amplitudes.
    private const float A = 0.495f, K = 0.466f, F0 = 0.401f;
    private static readonly float[] G = [1.501f, 1.0f, 0.534f, 1.0f];
    private static readonly float[,] Amplitudes =
    {
        { 0.62171f, 0.67234f, 0.72709f, 0.67234f },
        { 0.34537f, 0.41317f, 0.49428f, 0.41317f },
        { 0.18004f, 0.22727f, 0.28688f, 0.22727f },
        { 0.091401f, 0.11792f, 0.15214f, 0.11792f },
        { 0.045943f, 0.059758f, 0.077727f, 0.059758f },
        { 0.023013f, 0.030018f, 0.039156f, 0.030018f },
    };

    /// <summary>1 / quantisation step: theta 1 for the horizontal and vertical bands, 2 for the diagonal.</summary>
    public static float Factor(int scale, int theta, double normViewDist, int refDisplayHeight)
    {
        float r = (float)(normViewDist * refDisplayHeight * Math.PI / 180.0);
        float temp = (float)Math.Log10(Math.Pow(2.0, scale + 1) * F0 * G[theta] / r);
        float kt = K * temp * temp;
        float q = (float)(2.0 * A * Math.Pow(10.0, kt) / Amplitudes[scale, theta]);
        return 1.0f / q;
    }
}
