namespace EncodeQuality.Vmaf.Features.Integer;

/// <summary>
/// ADM's contrast-sensitivity weights per scale and orientation, as libvmaf's integer ADM chooses
/// them by adm_csf_mode: 0 is the Watson et al. 1997 noise-floor model, computed with libvmaf's
/// float/double mix (integer_adm.c, dwt_quant_step) so the fixed-point factors derived from them
/// are exact; 2 and 3 are the Barten-Watson blends VMAF v1 uses, tabulated per display height and
/// viewing distance (barten_csf_tools.h: BLENDED_CSF_* and the "_MAE" set of the v1.0.17 fix).
/// Barten's own CSF (mode 1) is not offered.
/// </summary>
internal static class AdmCsf
{
    public const int Watson97 = 0, BartenWatsonBlend = 2, BartenWatsonBlendMae = 3;

    /// <summary>1 / quantisation step of a scale's horizontal and vertical bands, or of its diagonal band.</summary>
    public static float Factor(int mode, int scale, bool diagonal, double normViewDist, int refDisplayHeight) => mode switch
    {
        Watson97 => Factor(scale, diagonal ? 2 : 1, normViewDist, refDisplayHeight),
        BartenWatsonBlend => Blend(Tables, normViewDist, refDisplayHeight)[diagonal ? 1 : 0][scale],
        BartenWatsonBlendMae => Blend(MaeTables, normViewDist, refDisplayHeight)[diagonal ? 1 : 0][scale],
        _ => throw new NotSupportedException($"adm_csf_mode {mode} is not supported (0 Watson97, 2 and 3 the Barten-Watson blends)"),
    };

    /// <summary>Why a mode cannot serve a display, or null (checked when the extractor is built).</summary>
    public static string? Unsupported(int mode, double normViewDist, int refDisplayHeight)
    {
        if (mode is BartenWatsonBlend or BartenWatsonBlendMae)
            return Find(Tables, normViewDist, refDisplayHeight) is null
                ? $"adm_csf_mode {mode} is tabulated for display heights 480, 720, 1080 and 2160 at 3 or 5 picture heights (and 2160 at 1.5), not {refDisplayHeight} at {normViewDist:G6}"
                : null;
        if (mode != Watson97) return $"adm_csf_mode {mode} is not supported (0 Watson97, 2 and 3 the Barten-Watson blends)";
        // Watson's scale-0 factor in Q21 overflows libvmaf's 16-bit store below 3 heights at 1080 lines.
        return normViewDist * refDisplayHeight < 3.0 * 1080
            ? "integer ADM with adm_csf_mode 0 needs adm_norm_view_dist x adm_ref_display_height >= 3 x 1080 (libvmaf's 16-bit limit)"
            : null;
    }

    private static float[][] Blend((int Height, double Distance, float[][] Csf)[] tables, double normViewDist, int refDisplayHeight) =>
        Find(tables, normViewDist, refDisplayHeight)
        ?? throw new NotSupportedException(Unsupported(BartenWatsonBlend, normViewDist, refDisplayHeight));

    private static float[][]? Find((int Height, double Distance, float[][] Csf)[] tables, double normViewDist, int refDisplayHeight) =>
        tables.FirstOrDefault(t => t.Height == refDisplayHeight && t.Distance == normViewDist).Csf;

    // barten_csf_tools.h: [orientation: h/v, diagonal][scale 0..3]. 2160 lines at 1.5 heights has
    // 1080 at 3 heights' pixels per degree, so it takes that table, as libvmaf does.
    private static readonly float[][] C1080x3 = [[0.01183f, 0.025026f, 0.04295f, 0.058621f], [0.004302f, 0.011778f, 0.023918f, 0.035901f]];
    private static readonly float[][] C1080x3Mae = [[0.011249f, 0.022606f, 0.035930f, 0.045673f], [0.004097f, 0.010921f, 0.021430f, 0.031313f]];

    private static readonly (int, double, float[][])[] Tables =
    [
        (1080, 3.0, C1080x3),
        (1080, 5.0, [[0.004212f, 0.014809f, 0.029642f, 0.047464f], [0.000984f, 0.005852f, 0.0146f, 0.027574f]]),
        (2160, 1.5, C1080x3),
        (2160, 3.0, [[0.00226f, 0.01183f, 0.025026f, 0.04295f], [0.000479f, 0.004302f, 0.011778f, 0.023918f]]),
        (2160, 5.0, [[0.000092f, 0.004212f, 0.014809f, 0.029642f], [0.000050f, 0.000984f, 0.005852f, 0.0146f]]),
        (720, 3.0, [[0.018715f, 0.035637f, 0.052798f, 0.061509f], [0.007999f, 0.018396f, 0.031851f, 0.037718f]]),
        (720, 5.0, [[0.010144f, 0.022561f, 0.040309f, 0.05672f], [0.003463f, 0.010282f, 0.021839f, 0.034641f]]),
        (480, 3.0, [[0.027961f, 0.045875f, 0.060275f, 0.056234f], [0.013572f, 0.026277f, 0.036959f, 0.034511f]]),
        (480, 5.0, [[0.016781f, 0.032822f, 0.05032f, 0.061594f], [0.00691f, 0.016545f, 0.029917f, 0.037777f]]),
    ];

    private static readonly (int, double, float[][])[] MaeTables =
    [
        (1080, 3.0, C1080x3Mae),
        (1080, 5.0, [[0.004052f, 0.013939f, 0.026298f, 0.038833f], [0.000927f, 0.005544f, 0.013415f, 0.024515f]]),
        (2160, 1.5, C1080x3Mae),
        (2160, 3.0, [[0.002166f, 0.011249f, 0.022606f, 0.035930f], [0.000447f, 0.004097f, 0.010921f, 0.021430f]]),
        (2160, 5.0, [[0.000077f, 0.004052f, 0.013939f, 0.026298f], [0.000045f, 0.000927f, 0.005544f, 0.013415f]]),
        (720, 3.0, [[0.017329f, 0.030870f, 0.042134f, 0.047410f], [0.007509f, 0.016707f, 0.028072f, 0.032722f]]),
        (720, 5.0, [[0.009689f, 0.020577f, 0.034162f, 0.044523f], [0.003302f, 0.009579f, 0.019661f, 0.030318f]]),
        (480, 3.0, [[0.024969f, 0.037825f, 0.046676f, 0.043974f], [0.012511f, 0.023424f, 0.032139f, 0.030166f]]),
        (480, 5.0, [[0.015665f, 0.028766f, 0.040612f, 0.047483f], [0.006514f, 0.015107f, 0.026476f, 0.032776f]]),
    ];

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

    /// <summary>Watson's 1 / quantisation step: theta 1 for the horizontal and vertical bands, 2 for the diagonal.</summary>
    private static float Factor(int scale, int theta, double normViewDist, int refDisplayHeight)
    {
        float r = (float)(normViewDist * refDisplayHeight * Math.PI / 180.0);
        float temp = (float)Math.Log10(Math.Pow(2.0, scale + 1) * F0 * G[theta] / r);
        float kt = K * temp * temp;
        float q = (float)(2.0 * A * Math.Pow(10.0, kt) / Amplitudes[scale, theta]);
        return 1.0f / q;
    }
}
