namespace EncodeQuality.Vmaf.Features;

/// <summary>
/// Visual Information Fidelity at four scales (vif_scale0..3), as libvmaf's float VIF computes it:
/// Gaussian filters of 17, 9, 5 and 3 taps (libvmaf's vif_filter1d_table, kernelscale 1), mirrored
/// borders, a 2x decimation between scales that keeps the even samples of the filtered picture, and
/// per pixel the Gaussian-channel information ratio of Sheikh and Bovik with sigma_n^2 = 2.
/// An enhancement-gain limit caps the gain g (1.0 in the NEG models, 100 by default).
/// </summary>
internal sealed class VifExtractor : IFeatureExtractor
{
    // libvmaf vif_tools.c, vif_filter1d_table_s[kernelscale 1.0].
    private static readonly float[][] Taps =
    [
        [0.00745626912f, 0.0142655009f, 0.0250313189f, 0.0402820669f, 0.0594526194f, 0.0804751068f, 0.0999041125f, 0.113746084f,
         0.118773937f, 0.113746084f, 0.0999041125f, 0.0804751068f, 0.0594526194f, 0.0402820669f, 0.0250313189f, 0.0142655009f, 0.00745626912f],
        [0.0189780835f, 0.0558981746f, 0.120920904f, 0.192116052f, 0.224173605f, 0.192116052f, 0.120920904f, 0.0558981746f, 0.0189780835f],
        [0.054488685f, 0.244201347f, 0.402619958f, 0.244201347f, 0.054488685f],
        [0.166378498f, 0.667243004f, 0.166378498f],
    ];

    private const float SigmaNsq = 2f;
    private const float SigmaMaxInv = (float)(4.0 / (255.0 * 255.0));
    private const float Eps = 1e-10f;

    private static readonly string[] Names = ["vif_scale0", "vif_scale1", "vif_scale2", "vif_scale3"];
    private readonly float _gainLimit;
    private readonly VifScratch _s;

    public VifExtractor(int width, int height, double gainLimit)
    {
        _gainLimit = (float)gainLimit;
        _s = new VifScratch(width, height);
    }

    public IReadOnlyList<string> Features => Names;

    public void Extract(long index, FloatPlane reference, FloatPlane distorted, bool score, FeatureBoard board)
    {
        if (!score) return;
        Span<double> num = stackalloc double[4], den = stackalloc double[4];
        Compute(reference, distorted, num, den);
        for (int i = 0; i < 4; i++) board.Set(index, Names[i], num[i] / den[i]);
    }

    public void Flush(FeatureBoard board) { }

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
                SeparableFilter.Apply(taps, SeparableFilter.Input.Plain, curRef, null, s.Mu1, w, h, s.Row);
                SeparableFilter.Apply(taps, SeparableFilter.Input.Plain, curDis, null, s.Mu2, w, h, s.Row);
                int nw = w / 2, nh = h / 2;
                Decimate(s.Mu1, w, s.RefScale, nw, nh);
                Decimate(s.Mu2, w, s.DisScale, nw, nh);
                w = nw;
                h = nh;
                curRef = s.RefScale;
                curDis = s.DisScale;
            }
            SeparableFilter.Apply(taps, SeparableFilter.Input.Plain, curRef, null, s.Mu1, w, h, s.Row);
            SeparableFilter.Apply(taps, SeparableFilter.Input.Plain, curDis, null, s.Mu2, w, h, s.Row);
            SeparableFilter.Apply(taps, SeparableFilter.Input.Squared, curRef, null, s.RefSq, w, h, s.Row);
            SeparableFilter.Apply(taps, SeparableFilter.Input.Squared, curDis, null, s.DisSq, w, h, s.Row);
            SeparableFilter.Apply(taps, SeparableFilter.Input.Product, curRef, curDis, s.RefDis, w, h, s.Row);
            (num[scale], den[scale]) = Statistic(s.Mu1, s.Mu2, s.RefSq, s.DisSq, s.RefDis, w * h, _gainLimit);
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

    /// <summary>libvmaf's vif_statistic ("matching_matlab" form), summed in double.</summary>
    internal static (double Num, double Den) Statistic(float[] mu1, float[] mu2, float[] xx, float[] yy, float[] xy, int n, float gainLimit)
    {
        double num = 0, den = 0;
        for (int i = 0; i < n; i++)
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
            float numVal = MathF.Log2(1f + g * g * sigma1Sq / (svSq + SigmaNsq));
            float denVal = MathF.Log2(1f + sigma1Sq / SigmaNsq);
            if (sigma12 < 0f) numVal = 0f;
            if (sigma1Sq < SigmaNsq)
            {
                numVal = 1f - sigma2Sq * SigmaMaxInv;
                denVal = 1f;
            }
            num += numVal;
            den += denVal;
        }
        return (num, den);
    }
}

/// <summary>VIF's working buffers, sized for scale 0 and reused at every scale and frame.</summary>
internal sealed class VifScratch(int width, int height)
{
    public readonly float[] Mu1 = new float[width * height], Mu2 = new float[width * height];
    public readonly float[] RefSq = new float[width * height], DisSq = new float[width * height], RefDis = new float[width * height];
    public readonly float[] RefScale = new float[(width / 2) * (height / 2) + 1], DisScale = new float[(width / 2) * (height / 2) + 1];
    public readonly float[] Row = new float[width];
}
