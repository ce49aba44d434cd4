using System.Numerics;

namespace EncodeQuality.Vmaf.Features;

/// <summary>
/// Additive Detail Measure / Detail Loss Metric (adm2, adm_scale0..3) as libvmaf 3's float ADM
/// computes it: four levels of a Daubechies-2 DWT with libvmaf's mirrored borders; per level the
/// distorted detail bands are split into the part restored from the reference (decoupling, with
/// the 1-degree angle rule and the enhancement-gain limit, 100 unless the model sets one) and the
/// additive impairment; both are
/// weighted by a contrast sensitivity factor from Watson et al. 1997 (viewing distance 3H,
/// 1080 lines); the restored part is reduced by a contrast-masking threshold from the impairment's
/// 3x3 neighbourhood, and cube-root (p = 3) pooling over the picture without a 10% border gives
/// numerator and denominator.
/// </summary>
internal sealed class AdmExtractor : IFeatureExtractor
{
    public static readonly FeatureExtractors.Entry Entry = new("float_adm", true,
        ["VMAF_feature_adm2_score", "VMAF_feature_adm_scale0_score", "VMAF_feature_adm_scale1_score",
         "VMAF_feature_adm_scale2_score", "VMAF_feature_adm_scale3_score"],
        [Integer.IntegerAdmExtractor.OptionSpecs[3]],
        (c, o) => new AdmExtractor(c.Width, c.Height, o["adm_enhn_gain_limit"], o.Suffix),
        FeatureExtractors.FloatName,
        (w, h, _) => 25 * 4 * FeatureExtractors.Level1(w, h) + 2 * 4L * w + 4 * 4L * (w / 2 + 1) + 4 * 4L * ((w + 1) / 2)); // 25 band planes; rows

    // libvmaf adm_tools.c, dwt2_db2_coeffs_lo_s / hi_s.
    private static readonly float[] Lo = [0.482962913144690f, 0.836516303737469f, 0.224143868041857f, -0.129409522550921f];
    private static readonly float[] Hi = [-0.129409522550921f, -0.224143868041857f, 0.836516303737469f, -0.482962913144690f];

    private const double BorderFactor = 0.1;             // ADM_BORDER_FACTOR
    private const float OneBy30 = 0.0333333351f;         // FLOAT_ONE_BY_30
    private static readonly float Cos1DegSq = (float)(Math.Cos(Math.PI / 180) * Math.Cos(Math.PI / 180));

    /// <summary>CSF factors per scale for theta 1 (horizontal, vertical) and 2 (diagonal), computed once.</summary>
    private static readonly float[,] Csf = BuildCsf();

    private static float[,] BuildCsf()
    {
        var t = new float[4, 2];
        for (int scale = 0; scale < 4; scale++)
        {
            t[scale, 0] = CsfFactor(scale, 1);
            t[scale, 1] = CsfFactor(scale, 2);
        }
        return t;
    }

    private readonly string[] _names;

    private readonly float _gainLimit;
    private readonly AdmScratch _s;

    public AdmExtractor(int width, int height, double gainLimit, string nameSuffix = "")
    {
        _names = [.. new[] { "adm2", "adm_scale0", "adm_scale1", "adm_scale2", "adm_scale3" }.Select(n => n + nameSuffix)];
        _gainLimit = (float)gainLimit;
        _s = new AdmScratch(width, height);
    }

    public IReadOnlyList<string> Features => _names;

    public void Extract(long index, FramePair frame, bool score, FeatureBoard board)
    {
        if (!score) return;
        Span<double> num = stackalloc double[4], den = stackalloc double[4];
        double adm2 = Compute(frame.ReferenceFloat!, frame.DistortedFloat!, num, den);
        board.Set(index, _names[0], adm2);
        for (int i = 0; i < 4; i++) board.Set(index, _names[i + 1], num[i] / den[i]);
    }

    /// <summary>Returns adm2; fills per-scale numerators and denominators.</summary>
    internal double Compute(FloatPlane reference, FloatPlane distorted, Span<double> num, Span<double> den)
    {
        var s = _s;
        int w = reference.Width, h = reference.Height;
        double numLimit = 1e-10 * (w * h) / (1920.0 * 1080.0);
        float[] curRef = reference.Data, curDis = distorted.Data;
        double numSum = 0, denSum = 0;
        for (int scale = 0; scale < 4; scale++)
        {
            Dwt2(curRef, w, h, s.Ref, s);
            Dwt2(curDis, w, h, s.Dis, s);
            w = (w + 1) / 2;
            h = (h + 1) / 2;
            float f1 = Csf[scale, 0], f2 = Csf[scale, 1];
            Decouple(s, w * h, _gainLimit);
            // The CSF-weighted impairment, from which the masking threshold is computed.
            for (int i = 0; i < w * h; i++)
            {
                s.CsfA.H[i] = f1 * s.A.H[i];
                s.CsfA.V[i] = f1 * s.A.V[i];
                s.CsfA.D[i] = f2 * s.A.D[i];
            }
            den[scale] = DenScale(s.Ref, w, h, f1, f2);
            num[scale] = NumScale(s.R, s.CsfA, w, h, f1, f2, s);
            numSum += num[scale];
            denSum += den[scale];
            // The approximation band becomes the next level's input: copy it out of the band buffers.
            Array.Copy(s.Ref.A, s.NextRef, w * h);
            Array.Copy(s.Dis.A, s.NextDis, w * h);
            (curRef, curDis) = (s.NextRef, s.NextDis);
        }
        numSum = numSum < numLimit ? 0 : numSum;
        denSum = denSum < numLimit ? 0 : denSum;
        return denSum == 0 ? 1.0 : numSum / denSum;
    }

    /// <summary>One level of the db2 DWT: vertical then horizontal, mirrored source indices as libvmaf builds them.</summary>
    private static void Dwt2(float[] src, int w, int h, Bands dst, AdmScratch s)
    {
        int ow = (w + 1) / 2, oh = (h + 1) / 2;
        var tmpLo = s.TmpLo;
        var tmpHi = s.TmpHi;
        Span<int> cols = s.Cols.AsSpan(0, 4 * ow);
        for (int j = 0; j < ow; j++)
            for (int k = 0; k < 4; k++) cols[4 * j + k] = Mirror.Dwt(2 * j - 1 + k, w);
        for (int i = 0; i < oh; i++)
        {
            int r0 = Mirror.Dwt(2 * i - 1, h) * w, r1 = Mirror.Dwt(2 * i, h) * w, r2 = Mirror.Dwt(2 * i + 1, h) * w, r3 = Mirror.Dwt(2 * i + 2, h) * w;
            int j0 = 0;
            if (UseSimd)
            {
                ref float rs = ref src[0];
                for (; j0 <= w - Vector<float>.Count; j0 += Vector<float>.Count)
                {
                    var v0 = Vector.LoadUnsafe(ref rs, (nuint)(r0 + j0));
                    var v1 = Vector.LoadUnsafe(ref rs, (nuint)(r1 + j0));
                    var v2 = Vector.LoadUnsafe(ref rs, (nuint)(r2 + j0));
                    var v3 = Vector.LoadUnsafe(ref rs, (nuint)(r3 + j0));
                    // Same order of float operations as the scalar accumulation below.
                    var lo = new Vector<float>(Lo[0]) * v0;
                    lo += new Vector<float>(Lo[1]) * v1;
                    lo += new Vector<float>(Lo[2]) * v2;
                    lo += new Vector<float>(Lo[3]) * v3;
                    lo.StoreUnsafe(ref tmpLo[0], (nuint)j0);
                    var hi = new Vector<float>(Hi[0]) * v0;
                    hi += new Vector<float>(Hi[1]) * v1;
                    hi += new Vector<float>(Hi[2]) * v2;
                    hi += new Vector<float>(Hi[3]) * v3;
                    hi.StoreUnsafe(ref tmpHi[0], (nuint)j0);
                }
            }
            for (int j = j0; j < w; j++)
            {
                float s0 = src[r0 + j], s1 = src[r1 + j], s2 = src[r2 + j], s3 = src[r3 + j];
                float a = 0;
                a += Lo[0] * s0; a += Lo[1] * s1; a += Lo[2] * s2; a += Lo[3] * s3;
                tmpLo[j] = a;
                a = 0;
                a += Hi[0] * s0; a += Hi[1] * s1; a += Hi[2] * s2; a += Hi[3] * s3;
                tmpHi[j] = a;
            }
            int o = i * ow;
            // The vector step does outputs 1 .. vectorEnd-1; the scalar step the borders and the rest.
            int vectorEnd = UseSimd ? HorizontalVector(tmpLo, tmpHi, w, o, dst, s) : 1;
            for (int j = 0; j < ow; j++)
            {
                if (j == 1) j = vectorEnd;
                if (j >= ow) break;
                int c0 = cols[4 * j], c1 = cols[4 * j + 1], c2 = cols[4 * j + 2], c3 = cols[4 * j + 3];
                float l0 = tmpLo[c0], l1 = tmpLo[c1], l2 = tmpLo[c2], l3 = tmpLo[c3];
                float a = 0;
                a += Lo[0] * l0; a += Lo[1] * l1; a += Lo[2] * l2; a += Lo[3] * l3;
                dst.A[o + j] = a;
                a = 0;
                a += Hi[0] * l0; a += Hi[1] * l1; a += Hi[2] * l2; a += Hi[3] * l3;
                dst.V[o + j] = a;
                float h0 = tmpHi[c0], h1 = tmpHi[c1], h2 = tmpHi[c2], h3 = tmpHi[c3];
                a = 0;
                a += Lo[0] * h0; a += Lo[1] * h1; a += Lo[2] * h2; a += Lo[3] * h3;
                dst.H[o + j] = a;
                a = 0;
                a += Hi[0] * h0; a += Hi[1] * h1; a += Hi[2] * h2; a += Hi[3] * h3;
                dst.D[o + j] = a;
            }
        }
    }

    /// <summary>
    /// Horizontal DWT step for outputs 1 .. k-1 where all four taps (2j-1 .. 2j+2) lie inside the row:
    /// with the row split into even samples E and odd samples O, the taps are O[j-1], E[j], O[j],
    /// E[j+1], all unit-stride. Returns k. Same order of float operations as the scalar step.
    /// </summary>
    private static int HorizontalVector(float[] lo, float[] hi, int w, int o, Bands dst, AdmScratch s)
    {
        int half = w / 2; // pairs (2j, 2j+1) fully inside the row
        var eLo = s.EvenLo; var oLo = s.OddLo; var eHi = s.EvenHi; var oHi = s.OddHi;
        for (int j = 0; j < half; j++)
        {
            eLo[j] = lo[2 * j]; oLo[j] = lo[2 * j + 1];
            eHi[j] = hi[2 * j]; oHi[j] = hi[2 * j + 1];
        }
        // Output j needs O[j-1], E[j], O[j], E[j+1]: j + 1 < half.
        int end = half - 1, j0 = 1;
        var l0 = new Vector<float>(Lo[0]); var l1 = new Vector<float>(Lo[1]); var l2 = new Vector<float>(Lo[2]); var l3 = new Vector<float>(Lo[3]);
        var h0 = new Vector<float>(Hi[0]); var h1 = new Vector<float>(Hi[1]); var h2 = new Vector<float>(Hi[2]); var h3 = new Vector<float>(Hi[3]);
        for (; j0 + Vector<float>.Count <= end; j0 += Vector<float>.Count)
        {
            var a0 = Vector.LoadUnsafe(ref oLo[0], (nuint)(j0 - 1));
            var a1 = Vector.LoadUnsafe(ref eLo[0], (nuint)j0);
            var a2 = Vector.LoadUnsafe(ref oLo[0], (nuint)j0);
            var a3 = Vector.LoadUnsafe(ref eLo[0], (nuint)(j0 + 1));
            var acc = l0 * a0; acc += l1 * a1; acc += l2 * a2; acc += l3 * a3;
            acc.StoreUnsafe(ref dst.A[0], (nuint)(o + j0));
            acc = h0 * a0; acc += h1 * a1; acc += h2 * a2; acc += h3 * a3;
            acc.StoreUnsafe(ref dst.V[0], (nuint)(o + j0));
            var b0 = Vector.LoadUnsafe(ref oHi[0], (nuint)(j0 - 1));
            var b1 = Vector.LoadUnsafe(ref eHi[0], (nuint)j0);
            var b2 = Vector.LoadUnsafe(ref oHi[0], (nuint)j0);
            var b3 = Vector.LoadUnsafe(ref eHi[0], (nuint)(j0 + 1));
            acc = l0 * b0; acc += l1 * b1; acc += l2 * b2; acc += l3 * b3;
            acc.StoreUnsafe(ref dst.H[0], (nuint)(o + j0));
            acc = h0 * b0; acc += h1 * b1; acc += h2 * b2; acc += h3 * b3;
            acc.StoreUnsafe(ref dst.D[0], (nuint)(o + j0));
        }
        return j0;
    }

    /// <summary>Off only where the runtime offers no vectors (DOTNET_EnableHWIntrinsic=0 in the tests' scalar runs).</summary>
    private static bool UseSimd => Vector.IsHardwareAccelerated;

    private static void Decouple(AdmScratch s, int n, float gainLimit)
    {
        int i = UseSimd ? DecoupleVector(s, n, gainLimit) : 0;
        const float eps = 1e-30f;
        for (; i < n; i++)
        {
            float oh = s.Ref.H[i], ov = s.Ref.V[i], od = s.Ref.D[i];
            float th = s.Dis.H[i], tv = s.Dis.V[i], td = s.Dis.D[i];
            float kh = Math.Clamp(th / (oh + eps), 0f, 1f);
            float kv = Math.Clamp(tv / (ov + eps), 0f, 1f);
            float kd = Math.Clamp(td / (od + eps), 0f, 1f);
            float rh = kh * oh, rv = kv * ov, rd = kd * od;
            float dot = oh * th + ov * tv;
            float oMag = oh * oh + ov * ov, tMag = th * th + tv * tv;
            bool sameAngle = dot >= 0f && dot * dot >= Cos1DegSq * oMag * tMag;
            if (sameAngle)
            {
                rh = Limit(rh, th, gainLimit);
                rv = Limit(rv, tv, gainLimit);
                rd = Limit(rd, td, gainLimit);
            }
            s.R.H[i] = rh; s.R.V[i] = rv; s.R.D[i] = rd;
            s.A.H[i] = th - rh; s.A.V[i] = tv - rv; s.A.D[i] = td - rd;
        }
    }

    /// <summary>The decoupling eight coefficients at a time, same arithmetic as the scalar loop.</summary>
    private static int DecoupleVector(AdmScratch s, int n, float gainLimit)
    {
        var eps = new Vector<float>(1e-30f);
        var zero = Vector<float>.Zero;
        var one = Vector<float>.One;
        var cos = new Vector<float>(Cos1DegSq);
        var limit = new Vector<float>(gainLimit);
        int i = 0;
        for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
        {
            var oh = Vector.LoadUnsafe(ref s.Ref.H[0], (nuint)i);
            var ov = Vector.LoadUnsafe(ref s.Ref.V[0], (nuint)i);
            var od = Vector.LoadUnsafe(ref s.Ref.D[0], (nuint)i);
            var th = Vector.LoadUnsafe(ref s.Dis.H[0], (nuint)i);
            var tv = Vector.LoadUnsafe(ref s.Dis.V[0], (nuint)i);
            var td = Vector.LoadUnsafe(ref s.Dis.D[0], (nuint)i);
            var rh = Vector.Min(Vector.Max(th / (oh + eps), zero), one) * oh;
            var rv = Vector.Min(Vector.Max(tv / (ov + eps), zero), one) * ov;
            var rd = Vector.Min(Vector.Max(td / (od + eps), zero), one) * od;
            var dot = oh * th + ov * tv;
            var oMag = oh * oh + ov * ov;
            var tMag = th * th + tv * tv;
            var same = Vector.GreaterThanOrEqual(dot, zero) & Vector.GreaterThanOrEqual(dot * dot, cos * oMag * tMag);
            rh = Vector.ConditionalSelect(same, LimitVector(rh, th, limit), rh);
            rv = Vector.ConditionalSelect(same, LimitVector(rv, tv, limit), rv);
            rd = Vector.ConditionalSelect(same, LimitVector(rd, td, limit), rd);
            rh.StoreUnsafe(ref s.R.H[0], (nuint)i);
            rv.StoreUnsafe(ref s.R.V[0], (nuint)i);
            rd.StoreUnsafe(ref s.R.D[0], (nuint)i);
            (th - rh).StoreUnsafe(ref s.A.H[0], (nuint)i);
            (tv - rv).StoreUnsafe(ref s.A.V[0], (nuint)i);
            (td - rd).StoreUnsafe(ref s.A.D[0], (nuint)i);
        }
        return i;
    }

    private static Vector<float> LimitVector(Vector<float> r, Vector<float> t, Vector<float> limit)
    {
        var scaled = r * limit;
        var positive = Vector.GreaterThan(r, Vector<float>.Zero);
        var negative = Vector.LessThan(r, Vector<float>.Zero);
        return Vector.ConditionalSelect(positive, Vector.Min(scaled, t),
            Vector.ConditionalSelect(negative, Vector.Max(scaled, t), r));
    }

    private static float Limit(float r, float t, float gainLimit) =>
        r > 0f ? MathF.Min(r * gainLimit, t) : r < 0f ? MathF.Max(r * gainLimit, t) : r;

    private static (int Left, int Top, int Right, int Bottom) Region(int w, int h)
    {
        int left = (int)(w * BorderFactor - 0.5), top = (int)(h * BorderFactor - 0.5);
        return (left, top, w - left, h - top);
    }

    private static double DenScale(Bands o, int w, int h, float f1, float f2)
    {
        var (left, top, right, bottom) = Region(w, h);
        double ah = 0, av = 0, ad = 0;
        for (int i = top; i < bottom; i++)
        {
            int row = i * w;
            ah += CubeSum(o.H, null, row + left, right - left, f1);
            av += CubeSum(o.V, null, row + left, right - left, f1);
            ad += CubeSum(o.D, null, row + left, right - left, f2);
        }
        return Pool(ah, right - left, bottom - top) + Pool(av, right - left, bottom - top) + Pool(ad, right - left, bottom - top);
    }

    private static double NumScale(Bands r, Bands csfA, int w, int h, float f1, float f2, AdmScratch s)
    {
        var (left, top, right, bottom) = Region(w, h);
        MaskThresholds(csfA, w, h, s);
        double ah = 0, av = 0, ad = 0;
        for (int i = top; i < bottom; i++)
        {
            int row = i * w;
            ah += CubeSum(r.H, s.Threshold, row + left, right - left, f1);
            av += CubeSum(r.V, s.Threshold, row + left, right - left, f1);
            ad += CubeSum(r.D, s.Threshold, row + left, right - left, f2);
        }
        return Pool(ah, right - left, bottom - top) + Pool(av, right - left, bottom - top) + Pool(ad, right - left, bottom - top);
    }

    /// <summary>
    /// One row's sum of max(|f * band| - threshold, 0)^3 (no threshold: |f * band|^3), summed in
    /// float per row as libvmaf does; the vector path sums lane-wise, which differs by rounding only.
    /// </summary>
    private static float CubeSum(float[] band, float[]? threshold, int start, int count, float factor)
    {
        float sum = 0;
        int j = 0;
        if (UseSimd)
        {
            var acc = Vector<float>.Zero;
            var f = new Vector<float>(factor);
            for (; j <= count - Vector<float>.Count; j += Vector<float>.Count)
            {
                var x = Vector.Abs(Vector.LoadUnsafe(ref band[0], (nuint)(start + j)) * f);
                if (threshold is not null) x = Vector.Max(x - Vector.LoadUnsafe(ref threshold[0], (nuint)(start + j)), Vector<float>.Zero);
                acc += x * x * x;
            }
            sum = Vector.Sum(acc);
        }
        for (; j < count; j++)
        {
            float x = MathF.Abs(band[start + j] * factor);
            if (threshold is not null) x = MathF.Max(x - threshold[start + j], 0f);
            sum += x * x * x;
        }
        return sum;
    }

    /// <summary>
    /// Contrast masking threshold of every coefficient (libvmaf's adm_cm_thresh): over the three
    /// orientations, |csf_a| in the 3x3 neighbourhood weighted 1/30, the centre 1/15, mirrored
    /// borders. Computed separably: m = |h|+|v|+|d|, a 3x3 box sum of m, plus the centre once more.
    /// </summary>
    private static void MaskThresholds(Bands a, int w, int h, AdmScratch s)
    {
        var m = s.Magnitude;
        var rows = s.RowSum;
        var thr = s.Threshold;
        for (int p = 0; p < w * h; p++) m[p] = MathF.Abs(a.H[p]) + MathF.Abs(a.V[p]) + MathF.Abs(a.D[p]);
        for (int i = 0; i < h; i++)
        {
            int up = Mirror.Dwt(i - 1, h) * w, mid = i * w, down = Mirror.Dwt(i + 1, h) * w;
            for (int j = 0; j < w; j++) rows[mid + j] = m[up + j] + m[mid + j] + m[down + j];
        }
        for (int i = 0; i < h; i++)
        {
            int o = i * w;
            for (int j = 0; j < w; j++)
            {
                float box = rows[o + Mirror.Dwt(j - 1, w)] + rows[o + j] + rows[o + Mirror.Dwt(j + 1, w)];
                thr[o + j] = OneBy30 * (box + m[o + j]);
            }
        }
    }

    /// <summary>Cube-root pooling plus libvmaf's noise floor term (area / 32)^(1/3), in float as libvmaf.</summary>
    private static double Pool(double sumOfCubes, int w, int h) =>
        MathF.Pow((float)sumOfCubes, 1f / 3f) + MathF.Pow(w * h / 32.0f, 1f / 3f);

    /// <summary>
    /// 1 / quantisation step of Watson et al. 1997 (formula 9, Tables IV/V) for the luma threshold
    /// model, lambda = scale, theta = 1 (horizontal/vertical) or 2 (diagonal); display resolution
    /// r = 3 * 1080 * pi / 180 pixels per degree.
    /// </summary>
    internal static float CsfFactor(int lambda, int theta)
    {
        const float a = 0.495f, k = 0.466f, f0 = 0.401f;
        float[] g = [1.501f, 1.0f, 0.534f, 1.0f];
        float[,] amplitude =
        {
            { 0.62171f, 0.67234f, 0.72709f, 0.67234f }, { 0.34537f, 0.41317f, 0.49428f, 0.41317f },
            { 0.18004f, 0.22727f, 0.28688f, 0.22727f }, { 0.091401f, 0.11792f, 0.15214f, 0.11792f },
        };
        float r = (float)(3.0f * 1080 * Math.PI / 180.0);
        float temp = (float)Math.Log10(Math.Pow(2.0, lambda + 1) * f0 * g[theta] / r);
        float q = (float)(2.0 * a * Math.Pow(10.0, k * temp * temp) / amplitude[lambda, theta]);
        return 1.0f / q;
    }
}

/// <summary>The three detail bands (and approximation) of one DWT level.</summary>
internal sealed class Bands(int n)
{
    public readonly float[] A = new float[n], H = new float[n], V = new float[n], D = new float[n];
}

/// <summary>ADM's working buffers, sized for the first level and reused.</summary>
internal sealed class AdmScratch
{
    public AdmScratch(int width, int height)
    {
        int n = ((width + 1) / 2) * ((height + 1) / 2);
        Ref = new Bands(n); Dis = new Bands(n); R = new Bands(n); A = new Bands(n); CsfA = new Bands(n);
        NextRef = new float[n]; NextDis = new float[n];
        Magnitude = new float[n]; RowSum = new float[n]; Threshold = new float[n];
        TmpLo = new float[width]; TmpHi = new float[width];
        EvenLo = new float[width / 2 + 1]; OddLo = new float[width / 2 + 1]; EvenHi = new float[width / 2 + 1]; OddHi = new float[width / 2 + 1];
        Cols = new int[4 * ((width + 1) / 2)];
    }

    public readonly Bands Ref, Dis, R, A, CsfA;
    public readonly float[] NextRef, NextDis, TmpLo, TmpHi, Magnitude, RowSum, Threshold, EvenLo, OddLo, EvenHi, OddHi;
    public readonly int[] Cols;
}
