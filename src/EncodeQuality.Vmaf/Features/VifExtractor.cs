using System.Numerics;

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
                int nw = w / 2, nh = h / 2;
                if (SeparableFilter.UseSimd)
                {
                    // Only the samples the decimation keeps (they are computed exactly as the full filter would).
                    VifFilterBank.FilterDecimate(taps, curRef, w, h, s.RefScale2, s.Row);
                    VifFilterBank.FilterDecimate(taps, curDis, w, h, s.DisScale2, s.Row);
                }
                else
                {
                    SeparableFilter.Apply(taps, SeparableFilter.Input.Plain, curRef, null, s.Mu1, w, h, s.Row);
                    SeparableFilter.Apply(taps, SeparableFilter.Input.Plain, curDis, null, s.Mu2, w, h, s.Row);
                    Decimate(s.Mu1, w, s.RefScale2, nw, nh);
                    Decimate(s.Mu2, w, s.DisScale2, nw, nh);
                }
                (s.RefScale, s.RefScale2) = (s.RefScale2, s.RefScale);
                (s.DisScale, s.DisScale2) = (s.DisScale2, s.DisScale);
                w = nw;
                h = nh;
                curRef = s.RefScale;
                curDis = s.DisScale;
            }
            VifFilterBank.Apply(taps, curRef, curDis, w, h, s.Mu1, s.Mu2, s.RefSq, s.DisSq, s.RefDis, s.Bank);
            (num[scale], den[scale]) = Statistic(s.Mu1, s.Mu2, s.RefSq, s.DisSq, s.RefDis, w * h, _gainLimit);
        }
    }

    /// <summary>
    /// The same statistic eight pixels at a time: every branch of the scalar form becomes a
    /// select, in the same order, so only log2 (see <see cref="VectorMath.Log2"/>) differs, by ulps.
    /// </summary>
    private static (double Num, double Den, int Done) StatisticVector(float[] mu1, float[] mu2, float[] xx, float[] yy, float[] xy, int n, float gainLimit)
    {
        var zero = Vector<float>.Zero;
        var one = Vector<float>.One;
        var eps = new Vector<float>(Eps);
        var nsq = new Vector<float>(SigmaNsq);
        var maxInv = new Vector<float>(SigmaMaxInv);
        var limit = new Vector<float>(gainLimit);
        double num = 0, den = 0;
        int i = 0;
        // Sum in float over blocks of 1024 pixels, then in double, to bound rounding growth.
        int lanes = Vector<float>.Count;
        while (i <= n - lanes)
        {
            var accNum = zero;
            var accDen = zero;
            int end = Math.Min(n - lanes, i + 1024);
            for (; i <= end; i += lanes)
            {
                var m1 = Vector.LoadUnsafe(ref mu1[0], (nuint)i);
                var m2 = Vector.LoadUnsafe(ref mu2[0], (nuint)i);
                var s1 = Vector.LoadUnsafe(ref xx[0], (nuint)i) - m1 * m1;
                var s2 = Vector.LoadUnsafe(ref yy[0], (nuint)i) - m2 * m2;
                var s12 = Vector.LoadUnsafe(ref xy[0], (nuint)i) - m1 * m2;
                s1 = Vector.Max(s1, zero);
                s2 = Vector.Max(s2, zero);
                var g = s12 / (s1 + eps);
                var sv = s2 - g * s12;
                var lowS1 = Vector.LessThan(s1, eps);
                g = Vector.ConditionalSelect(lowS1, zero, g);
                sv = Vector.ConditionalSelect(lowS1, s2, sv);
                s1 = Vector.ConditionalSelect(lowS1, zero, s1);
                var lowS2 = Vector.LessThan(s2, eps);
                g = Vector.ConditionalSelect(lowS2, zero, g);
                sv = Vector.ConditionalSelect(lowS2, zero, sv);
                var negG = Vector.LessThan(g, zero);
                sv = Vector.ConditionalSelect(negG, s2, sv);
                g = Vector.ConditionalSelect(negG, zero, g);
                sv = Vector.Max(sv, eps);
                g = Vector.Min(g, limit);
                var numVal = VectorMath.Log2(one + g * g * s1 / (sv + nsq));
                var denVal = VectorMath.Log2(one + s1 / nsq);
                numVal = Vector.ConditionalSelect(Vector.LessThan(s12, zero), zero, numVal);
                var flat = Vector.LessThan(s1, nsq);
                numVal = Vector.ConditionalSelect(flat, one - s2 * maxInv, numVal);
                denVal = Vector.ConditionalSelect(flat, one, denVal);
                accNum += numVal;
                accDen += denVal;
            }
            num += Vector.Sum(accNum);
            den += Vector.Sum(accDen);
        }
        return (num, den, i);
    }

    private static void Decimate(float[] src, int srcW, float[] dst, int w, int h)
    {
        for (int y = 0; y < h; y++)
        {
            int so = 2 * y * srcW, d = y * w;
            for (int x = 0; x < w; x++) dst[d + x] = src[so + 2 * x];
        }
    }

    public static bool UseSimd { get; set; } = Vector.IsHardwareAccelerated;

    /// <summary>libvmaf's vif_statistic ("matching_matlab" form), summed in double.</summary>
    internal static (double Num, double Den) Statistic(float[] mu1, float[] mu2, float[] xx, float[] yy, float[] xy, int n, float gainLimit)
    {
        double num = 0, den = 0;
        int i = 0;
        if (UseSimd) (num, den, i) = StatisticVector(mu1, mu2, xx, yy, xy, n, gainLimit);
        for (; i < n; i++)
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
    // Two buffers per side: a scale is decimated from the previous one into the other buffer.
    public float[] RefScale = new float[(width / 2) * (height / 2) + 1], DisScale = new float[(width / 2) * (height / 2) + 1];
    public float[] RefScale2 = new float[(width / 2) * (height / 2) + 1], DisScale2 = new float[(width / 2) * (height / 2) + 1];
    public readonly float[] Row = new float[width];
    public readonly VifBankRows Bank = new(width);
}
