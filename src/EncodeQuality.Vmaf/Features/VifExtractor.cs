
namespace EncodeQuality.Vmaf.Features;

/// <summary>
/// Visual Information Fidelity at four scales (vif_scale0..3) as libvmaf 3's float VIF computes it
/// (float_vif.c, vif.c, vif_tools.c): Gaussian filters of 17, 9, 5 and 3 taps built as libvmaf
/// builds them (kernelscale 1, sigma = size / 5), reflect-101 borders, a 2x decimation between
/// scales that keeps the even samples of the filtered picture, and per pixel the Gaussian-channel
/// information ratio of Sheikh and Bovik with sigma_n^2 = 2, its logarithms taken with libvmaf's
/// polynomial log2 (VIF_OPT_FAST_LOG2) and summed in float per row. An enhancement-gain limit
/// caps the gain g (1.0 in the NEG models, 100 by default).
/// </summary>
internal sealed class VifExtractor : IFeatureExtractor
{
    public static readonly FeatureExtractors.Entry Entry = new("float_vif", true,
        ["VMAF_feature_vif_scale0_score", "VMAF_feature_vif_scale1_score", "VMAF_feature_vif_scale2_score", "VMAF_feature_vif_scale3_score"],
        [Integer.IntegerVifExtractor.OptionSpecs[0]],
        (c, o) => new VifExtractor(c.Width, c.Height, o["vif_enhn_gain_limit"], o.Suffix),
        FeatureExtractors.FloatName,
        (w, h, _) => 5 * 4L * w * h + 4 * 4 * FeatureExtractors.Quarter(w, h) + 4L * w); // 5 planes of moments, 4 decimated, a row

    // vif_get_filter at kernelscale 1: 17, 9, 5 and 3 taps, sigma = size / 5.
    private static readonly float[][] Taps =
        [.. Enumerable.Range(0, 4).Select(scale => GaussianKernel.Size(scale, 1f)).Select(n => GaussianKernel.Taps(n, n / 5.0f))];

    private const float SigmaNsq = 2f;
    private const float SigmaMaxInv = (float)(4.0 / (255.0 * 255.0));
    private const float Eps = 1e-10f;

    private readonly string[] _names;
    private readonly float _gainLimit;
    private readonly VifScratch _s;

    public VifExtractor(int width, int height, double gainLimit, string nameSuffix = "")
    {
        _names = [.. Enumerable.Range(0, 4).Select(i => $"vif_scale{i}{nameSuffix}")];
        _gainLimit = (float)gainLimit;
        _s = new VifScratch(width, height);
    }

    public IReadOnlyList<string> Features => _names;

    public void Extract(long index, FramePair frame, bool score, FeatureBoard board)
    {
        if (!score) return;
        Span<double> num = stackalloc double[4], den = stackalloc double[4];
        Compute(frame.ReferenceFloat!, frame.DistortedFloat!, num, den);
        for (int i = 0; i < 4; i++) board.Set(index, _names[i], num[i] / den[i]);
    }

    /// <summary>Per-scale numerator and denominator sums.</summary>
    internal void Compute(FloatPlane reference, FloatPlane distorted, Span<double> num, Span<double> den)
    {
        var s = _s;
        int w = reference.Width, h = reference.Height;
        float[] curRef = reference.Data, curDis = distorted.Data;
        for (int scale = 0; scale < 4; scale++)
        {
            var taps = Taps[scale];
            if (scale > 0)
            {
                // Low-pass with this scale's filter, then keep every other sample.
                int nw = w / 2, nh = h / 2;
                SeparableFilter.Apply(taps, SeparableFilter.Input.Plain, curRef, null, s.Mu1, w, h, s.Row);
                SeparableFilter.Apply(taps, SeparableFilter.Input.Plain, curDis, null, s.Mu2, w, h, s.Row);
                Decimate(s.Mu1, w, s.RefScale2, nw, nh);
                Decimate(s.Mu2, w, s.DisScale2, nw, nh);
                (s.RefScale, s.RefScale2) = (s.RefScale2, s.RefScale);
                (s.DisScale, s.DisScale2) = (s.DisScale2, s.DisScale);
                w = nw;
                h = nh;
                curRef = s.RefScale;
                curDis = s.DisScale;
            }
            // libvmaf's five filterings, each tap by tap in float (vif_filter1d_s, _sq_s, _xy_s).
            SeparableFilter.Apply(taps, SeparableFilter.Input.Plain, curRef, null, s.Mu1, w, h, s.Row);
            SeparableFilter.Apply(taps, SeparableFilter.Input.Plain, curDis, null, s.Mu2, w, h, s.Row);
            SeparableFilter.Apply(taps, SeparableFilter.Input.Squared, curRef, null, s.RefSq, w, h, s.Row);
            SeparableFilter.Apply(taps, SeparableFilter.Input.Squared, curDis, null, s.DisSq, w, h, s.Row);
            SeparableFilter.Apply(taps, SeparableFilter.Input.Product, curRef, curDis, s.RefDis, w, h, s.Row);
            (num[scale], den[scale]) = Statistic(s.Mu1, s.Mu2, s.RefSq, s.DisSq, s.RefDis, w, h, _gainLimit);
        }
    }

    private static void Decimate(float[] src, int srcW, float[] dst, int w, int h)
    {
        for (int y = 0; y < h; y++)
        {
            int so = 2 * y * srcW, d = y * w;
            for (int x = 0; x < w; x++) dst[d + x] = src[so + 2 * x];
        }
    }

    /// <summary>libvmaf's vif_statistic_s ("matching_matlab" form): float sums per row, then over rows.</summary>
    internal static (double Num, double Den) Statistic(float[] mu1, float[] mu2, float[] xx, float[] yy, float[] xy, int w, int h, float gainLimit)
    {
        float accNum = 0, accDen = 0;
        for (int y = 0; y < h; y++)
        {
            float rowNum = 0, rowDen = 0;
            for (int i = y * w; i < (y + 1) * w; i++)
            {
                float m1 = mu1[i], m2 = mu2[i];
                float sigma1Sq = xx[i] - m1 * m1;
                float sigma2Sq = yy[i] - m2 * m2;
                float sigma12 = xy[i] - m1 * m2;
                sigma1Sq = MathF.Max(sigma1Sq, 0f);
                sigma2Sq = MathF.Max(sigma2Sq, 0f);
                float g = sigma12 / (sigma1Sq + Eps);
                float svSq = sigma2Sq - g * sigma12;
                if (sigma1Sq < Eps)
                {
                    g = 0f;
                    svSq = sigma2Sq;
                    sigma1Sq = 0f;
                }
                if (sigma2Sq < Eps)
                {
                    g = 0f;
                    svSq = 0f;
                }
                if (g < 0f)
                {
                    svSq = sigma2Sq;
                    g = 0f;
                }
                svSq = MathF.Max(svSq, Eps);
                g = MathF.Min(g, gainLimit);
                // sigma_nsq is a double in libvmaf: these quotients are formed in double, then rounded.
                float numVal = Log2Approx((float)(1.0f + (g * g * sigma1Sq) / (svSq + 2.0)));
                float denVal = Log2Approx((float)(1.0f + sigma1Sq / 2.0));
                if (sigma12 < 0f) numVal = 0f;
                if (sigma1Sq < SigmaNsq)
                {
                    numVal = 1f - sigma2Sq * SigmaMaxInv;
                    denVal = 1f;
                }
                rowNum += numVal;
                rowDen += denVal;
            }
            accNum += rowNum;
            accDen += rowDen;
        }
        return (accNum, accDen);
    }

    // vif_tools.c log2_poly_s, evaluated by Horner's rule in float.
    private static readonly float[] Log2Poly =
        [-0.012671635276421f, 0.064841182402670f, -0.157048836463065f, 0.257167726303123f, -0.353800560300520f,
         0.480131410397451f, -0.721314327952201f, 1.442694803896991f, 0f];

    /// <summary>libvmaf's log2f_approx: the exponent plus a polynomial in the mantissa.</summary>
    internal static float Log2Approx(float x)
    {
        if (x == 0) return float.NegativeInfinity;
        if (x < 0) return float.NaN;
        uint bits = BitConverter.SingleToUInt32Bits(x);
        int exponent = (int)((bits & 0x7F800000u) >> 23);
        float remain = BitConverter.UInt32BitsToSingle((bits & 0x007FFFFFu) | 0x3F800000u) - 1.0f;
        float v = 0;
        foreach (var c in Log2Poly) v = v * remain + c;
        return (exponent - 127) + v;
    }
}

/// <summary>VIF's working buffers, sized for scale 0 and reused at every scale and frame.</summary>
internal sealed class VifScratch(int width, int height)
{
    public readonly float[] Mu1 = new float[width * height], Mu2 = new float[width * height];
    public readonly float[] RefSq = new float[width * height], DisSq = new float[width * height], RefDis = new float[width * height];
    // Two buffers per side: a scale is decimated from the previous one into the other buffer.
    public float[] RefScale = new float[(width / 2) * (height / 2) + 1], DisScale = new float[(width / 2) * (height / 2) + 1];
    public float[] RefScale2 = new float[(width / 2) * (height / 2) + 1], DisScale2 = new float[(width / 2) * (height / 2) + 1];
    public readonly float[] Row = new float[width];
}
