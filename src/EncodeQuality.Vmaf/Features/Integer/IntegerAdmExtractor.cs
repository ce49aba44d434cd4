using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EncodeQuality.Vmaf.Features.Integer;

/// <summary>
/// Additive Detail Measure in libvmaf 3's fixed-point arithmetic (libvmaf/src/feature/integer_adm.c,
/// the plain C path): four levels of the db2 DWT in Q15 taps (16-bit bands at scale 0, 32-bit at
/// scales 1..3), decoupling of restored detail and additive impairment through a reciprocal
/// table with the 1-degree angle rule and the enhancement-gain limit, CSF weighting, a contrast
/// masking threshold from the 3x3 neighbourhood, and cube pooling with libvmaf's per-row rounding
/// shifts. Gives adm2 (DLM), aim (additive impairment), adm3 (their blend) and adm_scale0..3,
/// bit-exact with libvmaf. Every buffer stores its values in int, with libvmaf's int16
/// truncations made explicit where it stores 16-bit values.
/// </summary>
internal sealed class IntegerAdmExtractor : IFeatureExtractor
{
    /// <summary>The options it takes, as libvmaf declares them (the float extractor takes some of them too).</summary>
    public static readonly OptionSpec[] OptionSpecs =
    [
        new("adm_csf_scale", "scf", 1.0),
        new("adm_csf_diag_scale", "scfd", 1.0),
        new("adm_dlm_weight", "dlmw", 0.5),
        new("adm_enhn_gain_limit", "egl", 100.0),
        new("adm_norm_view_dist", "nvd", 3.0),
        new("adm_ref_display_height", "rdh", 1080),
        new("adm_csf_mode", "csf", 0),
        new("adm_noise_weight", "nw", 0.03125),
        new("adm_skip_scale0", "ssz", 0, IsBool: true),
        new("adm_min_val", "min", 0.0),
    ];

    public static readonly FeatureExtractors.Entry Entry = new("integer_adm", false,
        ["VMAF_integer_feature_adm2_score", "VMAF_integer_feature_aim_score", "VMAF_integer_feature_adm3_score",
         "integer_adm_scale0", "integer_adm_scale1", "integer_adm_scale2", "integer_adm_scale3"],
        OptionSpecs,
        (c, o) => o["adm_csf_scale"] != 1.0 || o["adm_csf_diag_scale"] != 1.0 || o.Flag("adm_skip_scale0")
            ? throw FeatureExtractors.Unsupported("adm_csf_scale, adm_csf_diag_scale and adm_skip_scale0 are")
            : new IntegerAdmExtractor(c.Width, c.Height, new IntegerAdmExtractor.Options(
                o["adm_enhn_gain_limit"], o["adm_norm_view_dist"], (int)o["adm_ref_display_height"], o["adm_noise_weight"],
                o["adm_dlm_weight"], o["adm_min_val"], (int)o["adm_csf_mode"]), o.Suffix,
                c.Shared("integer_adm", () => new AdmReference(c.Width, c.Height))),
        n => n.StartsWith("integer_", StringComparison.Ordinal) ? n : FeatureExtractors.IntegerName(n),
        (w, h, _) => 4 * 4 * FeatureExtractors.Level1(w, h) + 20 * 3 * 4L * ((w + 1) / 2) + 4L * (4 * w + 4) + 2 * 2L * (w + 34) + 4 * 4L * ((w + 1) / 2 + (h + 1) / 2), // 4 approximation planes; 20 rings of 3 band rows; DWT rows (and the 16-bit ones of AVX-512); indices
        SharedPerFrame: AdmReference.Bytes); // the reference's detail bands at every level, and its denominator's cube sums

    // libvmaf integer_adm.h: dwt2_db2_coeffs_lo/hi (Q15) and the sum of the low-pass taps.
    private static readonly int[] Lo = [15826, 27411, 7345, -4240];
    private static readonly int[] Hi = [-4240, -7345, 27411, -15826];
    private const int LoSum = 46342;
    private const double BorderFactor = 0.1;          // ADM_BORDER_FACTOR
    private static readonly float Cos1DegSq = (float)(Math.Cos(1.0 * Math.PI / 180.0) * Math.Cos(1.0 * Math.PI / 180.0));

    private static readonly bool UseDecouple0Avx512 = AdmDecouple0Avx512.IsSupported && IntegerSimd.Vector;
    private static readonly bool UseMask0Avx512 = AdmMask0Avx512.IsSupported && IntegerSimd.Vector;
    private static readonly bool UseDwtS123Avx512 = AdmDwtS123Avx512.IsSupported && IntegerSimd.Vector;

    /// <summary>libvmaf's div_lookup: 2^30 / i for i in -32768..32768 (index i + 32768).</summary>
    private static readonly int[] DivLookup = BuildDivLookup();

    private static int[] BuildDivLookup()
    {
        var t = new int[65537];
        for (int i = 1; i <= 32768; i++)
        {
            int recip = 1073741824 / i;
            t[32768 + i] = recip;
            t[32768 - i] = -recip;
        }
        return t;
    }

    public sealed record Options(double GainLimit = 100.0, double NormViewDist = 3.0, int RefDisplayHeight = 1080,
        double NoiseWeight = 0.03125, double DlmWeight = 0.5, double MinVal = 0.0, int CsfMode = 0);

    private readonly Options _o;
    private readonly string[] _names; // adm2, aim, adm3, adm_scale0..3
    private readonly int _width, _height;
    // Each level runs as a pipeline of rows: a band row is made, decoupled and CSF-weighted, and
    // masked one row behind (masking needs the row below). Detail bands live in rings of
    // RingRows rows, so the work stays in cache instead of streaming some 20 planes through memory
    // at every level. Only the approximation band, the next level's input, is a whole plane.
    private const int RingRows = 3;
    private readonly Band _ref, _dis, _r, _a, _csfA, _csfR;
    private readonly int[] _fltA, _fltR;     // the masking thresholds' neighbour terms, summed over the three orientations
    private readonly int[][] _approxRef = new int[2][], _approxDis = new int[2][]; // levels alternate between the two
    private readonly int[][] _rowIndex = new int[4][], _colIndex = new int[4][];
    private readonly int[] _tmp;             // the DWT's row buffers (lo, hi, and their even/odd halves)
    private readonly AdmDwt0Avx512.Rows? _dwt0; // scale 0's 16-bit rows, where the CPU has AVX-512BW

    private readonly SharedFrames<AdmReference>? _shared;

    /// <param name="shared">The reference's bands shared with other streams scored against it, or null.</param>
    public IntegerAdmExtractor(int width, int height, Options options, string nameSuffix, SharedFrames<AdmReference>? shared = null)
    {
        _shared = shared;
        if (AdmCsf.Unsupported(options.CsfMode, options.NormViewDist, options.RefDisplayHeight) is { } why)
            throw new NotSupportedException(why);
        _o = options;
        _width = width;
        _height = height;
        _names = [.. new[] { "integer_adm2", "integer_aim", "integer_adm3", "integer_adm_scale0", "integer_adm_scale1", "integer_adm_scale2", "integer_adm_scale3" }
            .Select(n => n + nameSuffix)];
        int n = ((width + 1) / 2) * ((height + 1) / 2), ring = RingRows * ((width + 1) / 2);
        (_ref, _dis, _r, _a, _csfA, _csfR) = (new Band(ring), new Band(ring), new Band(ring), new Band(ring), new Band(ring), new Band(ring));
        (_fltA, _fltR) = (new int[ring], new int[ring]);
        for (int k = 0; k < 2; k++)
        {
            _approxRef[k] = new int[n];
            _approxDis[k] = new int[n];
        }
        _tmp = new int[4 * width + 4];
        if (AdmDwt0Avx512.IsSupported && IntegerSimd.Vector) _dwt0 = new AdmDwt0Avx512.Rows(width);
        for (int k = 0; k < 4; k++)
        {
            _rowIndex[k] = new int[(height + 1) / 2];
            _colIndex[k] = new int[(width + 1) / 2];
        }
    }

    public IReadOnlyList<string> Features => _names;

    public void Extract(long index, FramePair frame, bool score, FeatureBoard board)
    {
        if (!score) return;
        Span<double> values = stackalloc double[7];
        var work = _shared?.Begin(index) ?? default;
        bool completed = false;
        try
        {
            Compute(frame.Reference, frame.Distorted, frame.BitDepth, values, work.State, work.Lead);
            completed = true;
        }
        finally { _shared?.End(index, work, completed); }
        for (int i = 0; i < 7; i++) board.Set(index, _names[i], values[i]);
    }

    /// <summary>
    /// adm2, aim, adm3, adm_scale0..3 (integer_compute_adm and its extract). With
    /// <paramref name="shared"/>, the reference's bands and denominators are filled there
    /// (<paramref name="lead"/>) or taken from there instead of computed.
    /// </summary>
    internal void Compute(ushort[] reference, ushort[] distorted, int bpc, Span<double> values, AdmReference? shared = null, bool lead = false)
    {
        bool follow = shared is not null && !lead;
        int w = _width, h = _height;
        double numdenLimit = 1e-10 * (w * h) / (1920.0 * 1080.0);
        double num = 0, den = 0, aimNum = 0;
        double limit = _o.GainLimit;
        Span<double> scores = stackalloc double[8];
        int[] curRef = [], curDis = [];
        for (int scale = 0; scale < 4; scale++)
        {
            BuildIndices(w, h);
            int bw = (w + 1) / 2, bh = (h + 1) / 2;
            int[] nextRef = _approxRef[scale & 1], nextDis = _approxDis[scale & 1];
            float f1 = AdmCsf.Factor(_o.CsfMode, scale, false, _o.NormViewDist, _o.RefDisplayHeight);
            float f2 = AdmCsf.Factor(_o.CsfMode, scale, true, _o.NormViewDist, _o.RefDisplayHeight);
            var (left, top, right, bottom) = TapRegion(bw, bh);
            var denParams = new DenParams(scale, bw, bh);
            var csf = new CsfFactors(scale, f1, f2, this);
            var cm = new CmParams(scale, bw, bh, in csf);
            DenSums denSums = default;
            CmSums dlmSums = default, aimSums = default;
            for (int i = 0; i < bh; i++)
            {
                int slot = RowAt(i, bw);
                if (follow) CopyBandRow(shared!, scale, i * bw, _ref, slot, bw, toShared: false);
                else if (scale == 0) Dwt0Row(reference, w, bpc, i, nextRef, _ref, slot);
                else DwtS123Row(curRef, w, scale, i, nextRef, _ref, slot);
                if (lead) CopyBandRow(shared!, scale, i * bw, _ref, slot, bw, toShared: true);
                if (scale == 0) Dwt0Row(distorted, w, bpc, i, nextDis, _dis, slot);
                else DwtS123Row(curDis, w, scale, i, nextDis, _dis, slot);
                if (!follow && i >= denParams.Top && i < denParams.Bottom) DenRow(ref denParams, slot, ref denSums);
                if (i >= top && i < bottom)
                {
                    DecoupleRow(scale, slot, left, right, limit);
                    // DLM: the restored detail against a threshold from the additive impairment's CSF;
                    // AIM: the additive impairment against a threshold from the restored detail's CSF.
                    CsfRow(ref csf, _a, _csfA, _fltA, slot, left, right);
                    CsfRow(ref csf, _r, _csfR, _fltR, slot, left, right);
                }
                if (i > 0) CmGroups(ref cm, i - 1, ref dlmSums, ref aimSums);
            }
            CmGroups(ref cm, bh - 1, ref dlmSums, ref aimSums);
            if (follow) denSums = new DenSums { H = shared!.DenCubes[3 * scale], V = shared.DenCubes[3 * scale + 1], D = shared.DenCubes[3 * scale + 2] };
            else if (lead) (shared!.DenCubes[3 * scale], shared.DenCubes[3 * scale + 1], shared.DenCubes[3 * scale + 2]) = (denSums.H, denSums.V, denSums.D);
            float denScale = DenScore(ref denParams, denSums, f1, f2);
            float numScale = CmScore(ref cm, dlmSums, _o.NoiseWeight);
            float aimScale = CmScore(ref cm, aimSums, 0.0);
            num += numScale;
            den += denScale;
            aimNum += aimScale;
            scores[2 * scale] = numScale;
            scores[2 * scale + 1] = denScale;
            (w, h, curRef, curDis) = (bw, bh, nextRef, nextDis);
        }
        num = num < numdenLimit ? 0 : num;
        den = den < numdenLimit ? 0 : den;
        double adm2 = 1.0, aim = 0.0;
        if (den != 0.0)
        {
            aim = aimNum / den;
            adm2 = num / den;
        }
        values[0] = adm2;
        values[1] = aim;
        values[2] = Math.Max(adm2 * _o.DlmWeight + (1 - aim) * (1 - _o.DlmWeight), _o.MinVal);
        for (int s = 0; s < 4; s++) values[3 + s] = scores[2 * s] / scores[2 * s + 1];
    }

    /// <summary>One row of the reference's three detail bands between the ring and the shared planes.</summary>
    private static void CopyBandRow(AdmReference shared, int scale, int at, Band ring, int slot, int bw, bool toShared)
    {
        if (toShared)
        {
            ring.H.AsSpan(slot, bw).CopyTo(shared.H[scale].AsSpan(at, bw));
            ring.V.AsSpan(slot, bw).CopyTo(shared.V[scale].AsSpan(at, bw));
            ring.D.AsSpan(slot, bw).CopyTo(shared.D[scale].AsSpan(at, bw));
        }
        else
        {
            shared.H[scale].AsSpan(at, bw).CopyTo(ring.H.AsSpan(slot, bw));
            shared.V[scale].AsSpan(at, bw).CopyTo(ring.V.AsSpan(slot, bw));
            shared.D[scale].AsSpan(at, bw).CopyTo(ring.D.AsSpan(slot, bw));
        }
    }

    /// <summary>dwt2_src_indices_filt: taps 2i-1 .. 2i+2, -1 mirrored to 1, n and beyond to 2n - i - 1.</summary>
    private void BuildIndices(int w, int h)
    {
        for (int i = 0; i < (h + 1) / 2; i++)
            for (int k = 0; k < 4; k++) _rowIndex[k][i] = Mirror.Dwt(2 * i - 1 + k, h);
        for (int j = 0; j < (w + 1) / 2; j++)
            for (int k = 0; k < 4; k++) _colIndex[k][j] = Mirror.Dwt(2 * j - 1 + k, w);
    }

    /// <summary>
    /// Scale 0 (adm_dwt2_8 / adm_dwt2_16), output row i: samples to 16-bit bands, the approximation
    /// into its plane's row i, the details into the ring at od.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot kernel: fully optimised from the first frame
    private void Dwt0Row(ushort[] src, int w, int bpc, int i, int[] approx, Band dst, int od)
    {
        int shiftVp = bpc, addVp = 1 << (bpc - 1);
        int ow = (w + 1) / 2;
        int[] tmp = _tmp;
        var tmpLo = tmp.AsSpan(0, w);
        var tmpHi = tmp.AsSpan(w, w);
        int r0 = _rowIndex[0][i] * w, r1 = _rowIndex[1][i] * w, r2 = _rowIndex[2][i] * w, r3 = _rowIndex[3][i] * w;
        if (_dwt0 is not null && AdmDwt0Avx512.Fits(bpc))
        {
            AdmDwt0Avx512.Row(src, w, bpc, r0, r1, r2, r3, _dwt0, new AdmDwt0Avx512.TapColumns(_colIndex[0], _colIndex[1], _colIndex[2], _colIndex[3]),
                approx, i * ow, dst.H, dst.V, dst.D, od);
            return;
        }
        for (int j = Dwt0VerticalVector(src, r0, r1, r2, r3, w, shiftVp, addVp, tmp); j < w; j++)
        {
            int s0 = src[r0 + j], s1 = src[r1 + j], s2 = src[r2 + j], s3 = src[r3 + j];
            int lo = Lo[0] * s0 + Lo[1] * s1 + Lo[2] * s2 + Lo[3] * s3 - LoSum * addVp;
            tmpLo[j] = (short)((lo + addVp) >> shiftVp);
            int hi = Hi[0] * s0 + Hi[1] * s1 + Hi[2] * s2 + Hi[3] * s3;
            tmpHi[j] = (short)((hi + addVp) >> shiftVp);
        }
        int oa = i * ow;
        // Outputs 1 .. vectorEnd-1 in vector lanes, the borders and the rest here.
        int vectorEnd = Dwt0HorizontalVector(tmp, w, approx, oa, dst, od);
        for (int j = 0; j < ow; j++)
        {
            if (j == 1) j = vectorEnd;
            if (j >= ow) break;
            int c0 = _colIndex[0][j], c1 = _colIndex[1][j], c2 = _colIndex[2][j], c3 = _colIndex[3][j];
            int l0 = tmpLo[c0], l1 = tmpLo[c1], l2 = tmpLo[c2], l3 = tmpLo[c3];
            approx[oa + j] = (short)((Lo[0] * l0 + Lo[1] * l1 + Lo[2] * l2 + Lo[3] * l3 + 32768) >> 16);
            dst.V[od + j] = (short)((Hi[0] * l0 + Hi[1] * l1 + Hi[2] * l2 + Hi[3] * l3 + 32768) >> 16);
            int h0 = tmpHi[c0], h1 = tmpHi[c1], h2 = tmpHi[c2], h3 = tmpHi[c3];
            dst.H[od + j] = (short)((Lo[0] * h0 + Lo[1] * h1 + Lo[2] * h2 + Lo[3] * h3 + 32768) >> 16);
            dst.D[od + j] = (short)((Hi[0] * h0 + Hi[1] * h1 + Hi[2] * h2 + Hi[3] * h3 + 32768) >> 16);
        }
    }

    /// <summary>
    /// The horizontal step of <see cref="Dwt0Row"/> for outputs 1 .. k-1, whose four taps 2j-1 .. 2j+2
    /// lie inside the row: with the row split into even samples E and odd samples O they are
    /// O[j-1], E[j], O[j], E[j+1], all unit-stride. Same int32 sums and int16 truncation. Returns k.
    /// </summary>
    private static int Dwt0HorizontalVector(int[] tmp, int w, int[] approx, int oa, Band dst, int od)
    {
        if (!IntegerSimd.Vector) return 1;
        int half = w / 2, lanes = Vector<int>.Count;
        // tmp holds lo at [0, w), hi at [w, 2w); the split halves go to [2w, 2w + 4 half).
        int eLo = 2 * w, oLo = eLo + half, eHi = oLo + half, oHi = eHi + half;
        int j = 0;
        for (; j + lanes <= half; j += lanes)
        {
            SplitEvenOdd(tmp, 2 * j, eLo + j, oLo + j);
            SplitEvenOdd(tmp, w + 2 * j, eHi + j, oHi + j);
        }
        for (; j < half; j++)
        {
            tmp[eLo + j] = tmp[2 * j];
            tmp[oLo + j] = tmp[2 * j + 1];
            tmp[eHi + j] = tmp[w + 2 * j];
            tmp[oHi + j] = tmp[w + 2 * j + 1];
        }
        int end = half - 1, j0 = 1;
        var round = new Vector<int>(32768);
        for (; j0 + lanes <= end; j0 += lanes)
        {
            var a0 = Vector.LoadUnsafe(ref tmp[0], (nuint)(oLo + j0 - 1));
            var a1 = Vector.LoadUnsafe(ref tmp[0], (nuint)(eLo + j0));
            var a2 = Vector.LoadUnsafe(ref tmp[0], (nuint)(oLo + j0));
            var a3 = Vector.LoadUnsafe(ref tmp[0], (nuint)(eLo + j0 + 1));
            DwtTaps(a0, a1, a2, a3, Lo, round).StoreUnsafe(ref approx[0], (nuint)(oa + j0));
            DwtTaps(a0, a1, a2, a3, Hi, round).StoreUnsafe(ref dst.V[0], (nuint)(od + j0));
            var b0 = Vector.LoadUnsafe(ref tmp[0], (nuint)(oHi + j0 - 1));
            var b1 = Vector.LoadUnsafe(ref tmp[0], (nuint)(eHi + j0));
            var b2 = Vector.LoadUnsafe(ref tmp[0], (nuint)(oHi + j0));
            var b3 = Vector.LoadUnsafe(ref tmp[0], (nuint)(eHi + j0 + 1));
            DwtTaps(b0, b1, b2, b3, Lo, round).StoreUnsafe(ref dst.H[0], (nuint)(od + j0));
            DwtTaps(b0, b1, b2, b3, Hi, round).StoreUnsafe(ref dst.D[0], (nuint)(od + j0));
        }
        return j0;
    }

    /// <summary>
    /// Two vectors of samples from tmp[from] into their even ones at tmp[even] and odd ones at
    /// tmp[odd]: as longs, each pair holds its even sample in the low half (little-endian), so
    /// narrowing keeps the evens and narrowing after a 32-bit shift the odds.
    /// </summary>
    private static void SplitEvenOdd(int[] tmp, int from, int even, int odd)
    {
        var a = Vector.AsVectorInt64(Vector.LoadUnsafe(ref tmp[0], (nuint)from));
        var b = Vector.AsVectorInt64(Vector.LoadUnsafe(ref tmp[0], (nuint)(from + Vector<int>.Count)));
        Vector.Narrow(a, b).StoreUnsafe(ref tmp[0], (nuint)even);
        Vector.Narrow(Vector.ShiftRightLogical(a, 32), Vector.ShiftRightLogical(b, 32)).StoreUnsafe(ref tmp[0], (nuint)odd);
    }

    private static Vector<int> DwtTaps(Vector<int> s0, Vector<int> s1, Vector<int> s2, Vector<int> s3, int[] taps, Vector<int> round) =>
        ToInt16(Vector.ShiftRightArithmetic(new Vector<int>(taps[0]) * s0 + new Vector<int>(taps[1]) * s1
            + new Vector<int>(taps[2]) * s2 + new Vector<int>(taps[3]) * s3 + round, 16));

    /// <summary>
    /// The vertical step of <see cref="Dwt0Row"/> for several columns at a time: the same int32 sums,
    /// int16 truncation as sign extension. Returns the first column left.
    /// </summary>
    private static int Dwt0VerticalVector(ushort[] src, int r0, int r1, int r2, int r3, int w, int shiftVp, int addVp, int[] tmp)
    {
        int j = 0;
        if (!IntegerSimd.Vector) return j;
        var offset = new Vector<int>(-LoSum * addVp + addVp);
        var round = new Vector<int>(addVp);
        int lanes = Vector<int>.Count;
        for (; j + Vector<ushort>.Count <= w; j += Vector<ushort>.Count)
        {
            Vector.Widen(Vector.LoadUnsafe(ref src[0], (nuint)(r0 + j)), out var a0, out var b0);
            Vector.Widen(Vector.LoadUnsafe(ref src[0], (nuint)(r1 + j)), out var a1, out var b1);
            Vector.Widen(Vector.LoadUnsafe(ref src[0], (nuint)(r2 + j)), out var a2, out var b2);
            Vector.Widen(Vector.LoadUnsafe(ref src[0], (nuint)(r3 + j)), out var a3, out var b3);
            Dwt0Columns(Vector.AsVectorInt32(a0), Vector.AsVectorInt32(a1), Vector.AsVectorInt32(a2), Vector.AsVectorInt32(a3), offset, round, shiftVp, tmp, j, w);
            Dwt0Columns(Vector.AsVectorInt32(b0), Vector.AsVectorInt32(b1), Vector.AsVectorInt32(b2), Vector.AsVectorInt32(b3), offset, round, shiftVp, tmp, j + lanes, w);
        }
        return j;
    }

    private static void Dwt0Columns(Vector<int> s0, Vector<int> s1, Vector<int> s2, Vector<int> s3, Vector<int> offset, Vector<int> round,
        int shiftVp, int[] tmp, int j, int w)
    {
        var lo = new Vector<int>(Lo[0]) * s0 + new Vector<int>(Lo[1]) * s1 + new Vector<int>(Lo[2]) * s2 + new Vector<int>(Lo[3]) * s3 + offset;
        ToInt16(Vector.ShiftRightArithmetic(lo, shiftVp)).StoreUnsafe(ref tmp[0], (nuint)j);
        var hi = new Vector<int>(Hi[0]) * s0 + new Vector<int>(Hi[1]) * s1 + new Vector<int>(Hi[2]) * s2 + new Vector<int>(Hi[3]) * s3 + round;
        ToInt16(Vector.ShiftRightArithmetic(hi, shiftVp)).StoreUnsafe(ref tmp[0], (nuint)(w + j));
    }

    /// <summary>Scales 1..3 (adm_dwt2_s123_combined), output row i: 32-bit approximation band to 32-bit bands, placed as <see cref="Dwt0Row"/> places them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot kernel: fully optimised from the first frame
    private void DwtS123Row(int[] src, int w, int scale, int i, int[] approx, Band dst, int od)
    {
        // Rounding and shifts per scale, libvmaf's add_bef_shift_round_VP/HP and shift_VerticalPass/HorizontalPass.
        long addVp = scale == 1 ? 0 : 32768;
        int shiftVp = scale == 1 ? 0 : 16;
        long addHp = scale == 2 ? 32768 : 16384;
        int shiftHp = scale == 2 ? 16 : 15;
        int ow = (w + 1) / 2;
        int[] tmp = _tmp;
        var tmpLo = tmp.AsSpan(0, w);
        var tmpHi = tmp.AsSpan(w, w);
        int r0 = _rowIndex[0][i] * w, r1 = _rowIndex[1][i] * w, r2 = _rowIndex[2][i] * w, r3 = _rowIndex[3][i] * w;
        int first = UseDwtS123Avx512 ? AdmDwtS123Avx512.Vertical(src, r0, r1, r2, r3, w, addVp, shiftVp, tmp)
            : DwtS123VerticalVector(src, r0, r1, r2, r3, w, addVp, shiftVp, tmp);
        for (int j = first; j < w; j++)
        {
            long s0 = src[r0 + j], s1 = src[r1 + j], s2 = src[r2 + j], s3 = src[r3 + j];
            tmpLo[j] = (int)((Lo[0] * s0 + Lo[1] * s1 + Lo[2] * s2 + Lo[3] * s3 + addVp) >> shiftVp);
            tmpHi[j] = (int)((Hi[0] * s0 + Hi[1] * s1 + Hi[2] * s2 + Hi[3] * s3 + addVp) >> shiftVp);
        }
        int oa = i * ow;
        // Outputs 1 .. vectorEnd-1 in vector lanes, the borders and the rest here.
        int vectorEnd = UseDwtS123Avx512 ? AdmDwtS123Avx512.Horizontal(tmp, w, addHp, shiftHp, approx, oa, dst.H, dst.V, dst.D, od)
            : DwtS123HorizontalVector(tmp, w, addHp, shiftHp, approx, oa, dst, od);
        for (int j = 0; j < ow; j++)
        {
            if (j == 1) j = vectorEnd;
            if (j >= ow) break;
            int c0 = _colIndex[0][j], c1 = _colIndex[1][j], c2 = _colIndex[2][j], c3 = _colIndex[3][j];
            long l0 = tmpLo[c0], l1 = tmpLo[c1], l2 = tmpLo[c2], l3 = tmpLo[c3];
            approx[oa + j] = (int)((Lo[0] * l0 + Lo[1] * l1 + Lo[2] * l2 + Lo[3] * l3 + addHp) >> shiftHp);
            dst.V[od + j] = (int)((Hi[0] * l0 + Hi[1] * l1 + Hi[2] * l2 + Hi[3] * l3 + addHp) >> shiftHp);
            long h0 = tmpHi[c0], h1 = tmpHi[c1], h2 = tmpHi[c2], h3 = tmpHi[c3];
            dst.H[od + j] = (int)((Lo[0] * h0 + Lo[1] * h1 + Lo[2] * h2 + Lo[3] * h3 + addHp) >> shiftHp);
            dst.D[od + j] = (int)((Hi[0] * h0 + Hi[1] * h1 + Hi[2] * h2 + Hi[3] * h3 + addHp) >> shiftHp);
        }
    }

    /// <summary>The vertical step of <see cref="DwtS123Row"/> in 64-bit lanes, the same sums and int32 truncation. Returns the first column left.</summary>
    private static int DwtS123VerticalVector(int[] src, int r0, int r1, int r2, int r3, int w, long addVp, int shiftVp, int[] tmp)
    {
        int j = 0;
        if (!IntegerSimd.Vector) return j;
        var add = new Vector<long>(addVp);
        for (; j + Vector<int>.Count <= w; j += Vector<int>.Count)
        {
            Vector.Widen(Vector.LoadUnsafe(ref src[0], (nuint)(r0 + j)), out var a0, out var b0);
            Vector.Widen(Vector.LoadUnsafe(ref src[0], (nuint)(r1 + j)), out var a1, out var b1);
            Vector.Widen(Vector.LoadUnsafe(ref src[0], (nuint)(r2 + j)), out var a2, out var b2);
            Vector.Widen(Vector.LoadUnsafe(ref src[0], (nuint)(r3 + j)), out var a3, out var b3);
            Vector.Narrow(Taps64(a0, a1, a2, a3, Lo, add, shiftVp), Taps64(b0, b1, b2, b3, Lo, add, shiftVp)).StoreUnsafe(ref tmp[0], (nuint)j);
            Vector.Narrow(Taps64(a0, a1, a2, a3, Hi, add, shiftVp), Taps64(b0, b1, b2, b3, Hi, add, shiftVp)).StoreUnsafe(ref tmp[0], (nuint)(w + j));
        }
        return j;
    }

    /// <summary>
    /// The horizontal step of <see cref="DwtS123Row"/> for outputs 1 .. k-1 (taps inside the row). A
    /// 64-bit load of the int32 row at 2m holds the even sample 2m in its low half and the odd
    /// sample 2m+1 in its high half, so the taps 2j-1, 2j, 2j+1, 2j+2 come from loads at 2j-2, 2j
    /// and 2j+2, sign-extended. Same sums, shifts and int32 truncation. Returns k.
    /// </summary>
    private static int DwtS123HorizontalVector(int[] tmp, int w, long addHp, int shiftHp, int[] approx, int oa, Band dst, int od)
    {
        if (!IntegerSimd.Vector) return 1;
        int lanes = Vector<long>.Count, last = (w - 3) / 2; // the last output whose taps stay inside the row
        var add = new Vector<long>(addHp);
        int j = 1;
        for (; j + 2 * lanes - 1 <= last; j += 2 * lanes)
        {
            StorePair(tmp, 2 * j, add, shiftHp, Lo, approx, oa + j, lanes);
            StorePair(tmp, 2 * j, add, shiftHp, Hi, dst.V, od + j, lanes);
            StorePair(tmp, w + 2 * j, add, shiftHp, Lo, dst.H, od + j, lanes);
            StorePair(tmp, w + 2 * j, add, shiftHp, Hi, dst.D, od + j, lanes);
        }
        return j;

        static void StorePair(int[] tmp, int at, Vector<long> add, int shift, int[] taps, int[] dst, int to, int lanes) =>
            Vector.Narrow(Outputs(tmp, at, add, shift, taps), Outputs(tmp, at + 2 * lanes, add, shift, taps)).StoreUnsafe(ref dst[0], (nuint)to);

        static Vector<long> Outputs(int[] tmp, int at, Vector<long> add, int shift, int[] taps)
        {
            ref long pairs = ref Unsafe.As<int, long>(ref tmp[at - 2]);
            var before = Vector.LoadUnsafe(ref pairs);
            var here = Vector.LoadUnsafe(ref pairs, 1);
            var after = Vector.LoadUnsafe(ref pairs, 2);
            return Taps64(Vector.ShiftRightArithmetic(before, 32), Vector.ShiftRightArithmetic(Vector.ShiftLeft(here, 32), 32),
                Vector.ShiftRightArithmetic(here, 32), Vector.ShiftRightArithmetic(Vector.ShiftLeft(after, 32), 32), taps, add, shift);
        }
    }

    private static Vector<long> Taps64(Vector<long> s0, Vector<long> s1, Vector<long> s2, Vector<long> s3, int[] taps, Vector<long> add, int shift) =>
        Vector.ShiftRightArithmetic(new Vector<long>(taps[0]) * s0 + new Vector<long>(taps[1]) * s1
            + new Vector<long>(taps[2]) * s2 + new Vector<long>(taps[3]) * s3 + add, shift);

    /// <summary>The region decouple and CSF work on: the pooled region widened by one tap.</summary>
    private static (int Left, int Top, int Right, int Bottom) TapRegion(int w, int h)
    {
        int left = (int)(w * BorderFactor - 0.5 - 1);
        int top = (int)(h * BorderFactor - 0.5 - 1);
        int right = w - left + 2;
        int bottom = h - top + 2;
        return (Math.Max(left, 0), Math.Max(top, 0), Math.Min(right, w), Math.Min(bottom, h));
    }

    /// <summary>The pooled region: the picture without a 10% border.</summary>
    private static (int Left, int Top, int Right, int Bottom) PoolRegion(int w, int h)
    {
        int left = (int)(w * BorderFactor - 0.5);
        int top = (int)(h * BorderFactor - 0.5);
        return (left, top, w - left, h - top);
    }

    /// <summary>adm_decouple (scale 0, 16-bit) and adm_decouple_s123 (32-bit, reciprocal of the best 15 bits) of the ring row at row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot kernel: fully optimised from the first frame
    private void DecoupleRow(int scale, int row, int left, int right, double limit)
    {
        int first = left;
        if (scale != 0)
            first = Decouple123Avx2(row, left, right, limit);
        else
        {
            if (UseDecouple0Avx512)
                first = AdmDecouple0Avx512.Row(new AdmDecouple0Avx512.Bands(_ref.H, _ref.V, _ref.D, _dis.H, _dis.V, _dis.D,
                    _r.H, _r.V, _r.D, _a.H, _a.V, _a.D), row, left, right, limit, DivLookup, Cos1DegSq);
            first = Decouple0Vector(row, first, right, limit); // the columns the 16-lane step leaves, 8 or 4 at a time
        }
        for (int j = first; j < right; j++)
        {
            int p = row + j;
            int oh = _ref.H[p], ov = _ref.V[p], od = _ref.D[p];
            int th = _dis.H[p], tv = _dis.V[p], td = _dis.D[p];
            long otDp = (long)oh * th + (long)ov * tv;
            long oMagSq = (long)oh * oh + (long)ov * ov;
            long tMagSq = (long)th * th + (long)tv * tv;
            double dp = (float)otDp / 4096.0;
            bool angleFlag = dp >= 0.0f && dp * dp >= Cos1DegSq * ((float)oMagSq / 4096.0) * ((float)tMagSq / 4096.0);
            int rh, rv, rd;
            if (scale == 0)
            {
                rh = Restore16(oh, th, angleFlag, limit);
                rv = Restore16(ov, tv, angleFlag, limit);
                rd = Restore16(od, td, angleFlag, limit);
                _r.H[p] = rh; _r.V[p] = rv; _r.D[p] = rd;
                _a.H[p] = (short)(th - rh); _a.V[p] = (short)(tv - rv); _a.D[p] = (short)(td - rd);
            }
            else
            {
                rh = Restore32(oh, th, angleFlag, limit);
                rv = Restore32(ov, tv, angleFlag, limit);
                rd = Restore32(od, td, angleFlag, limit);
                _r.H[p] = rh; _r.V[p] = rv; _r.D[p] = rd;
                _a.H[p] = th - rh; _a.V[p] = tv - rv; _a.D[p] = td - rd;
            }
        }
    }

    /// <summary>
    /// Scale 0's decoupling of one row, several coefficients at a time, lane by lane as
    /// <see cref="DecoupleRow"/> and <see cref="Restore16"/> compute it: the angle test in 64-bit
    /// integers and doubles (a long's (float) cast is the double's, as every sum is below 2^53);
    /// the reciprocal 2^30 / |o| as a truncated double quotient, which is the integer quotient
    /// (its distance to an integer, at least 2^-15, is far above the double's error); the rest in
    /// 32- and 64-bit integers, and the gain limit in doubles. Returns the first column left.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Decouple0Vector(int row, int left, int right, double limit)
    {
        int j = left;
        if (!IntegerSimd.Vector) return j;
        for (; j + Vector<int>.Count <= right; j += Vector<int>.Count)
        {
            nuint p = (nuint)(row + j);
            var oh = Vector.LoadUnsafe(ref _ref.H[0], p);
            var ov = Vector.LoadUnsafe(ref _ref.V[0], p);
            var od = Vector.LoadUnsafe(ref _ref.D[0], p);
            var th = Vector.LoadUnsafe(ref _dis.H[0], p);
            var tv = Vector.LoadUnsafe(ref _dis.V[0], p);
            var td = Vector.LoadUnsafe(ref _dis.D[0], p);
            Vector.Widen(oh, out var ohL, out var ohU);
            Vector.Widen(ov, out var ovL, out var ovU);
            Vector.Widen(th, out var thL, out var thU);
            Vector.Widen(tv, out var tvL, out var tvU);
            var angle = Vector.Narrow(AngleFlag(ohL, ovL, thL, tvL), AngleFlag(ohU, ovU, thU, tvU));
            Restore16Vector(oh, th, angle, limit, _r.H, _a.H, p);
            Restore16Vector(ov, tv, angle, limit, _r.V, _a.V, p);
            Restore16Vector(od, td, angle, limit, _r.D, _a.D, p);
        }
        return j;
    }

    /// <summary>
    /// Scales 1-3's decoupling of one row, four coefficients at a time in 64-bit lanes, lane by lane
    /// as <see cref="DecoupleRow"/> and <see cref="Restore32"/> compute it. The 15 best bits of |o|
    /// take their shift from the exponent of |o| as a double; the reciprocal is the truncated double
    /// quotient (as at scale 0); the shifts that vary by lane are AVX2's, the arithmetic one made
    /// from the logical one. The angle test rounds each product sum to float once, as the scalar
    /// cast does, at every magnitude (see <see cref="ToFloat"/>). Returns the first column left.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Decouple123Avx2(int row, int left, int right, double limit)
    {
        int j = left;
        if (!IntegerSimd.Vector || !Avx2.IsSupported) return j;
        for (; j + 4 <= right; j += 4)
        {
            int p = row + j;
            var oh = Widen(_ref.H, p);
            var ov = Widen(_ref.V, p);
            var th = Widen(_dis.H, p);
            var tv = Widen(_dis.V, p);
            var angle = AngleFlag(oh * th + ov * tv, oh * oh + ov * ov, th * th + tv * tv);
            Restore32Avx2(oh, th, angle, limit, _r.H, _a.H, p);
            Restore32Avx2(ov, tv, angle, limit, _r.V, _a.V, p);
            Restore32Avx2(Widen(_ref.D, p), Widen(_dis.D, p), angle, limit, _r.D, _a.D, p);
        }
        return j;

        static Vector256<long> Widen(int[] band, int at) =>
            Vector256.WidenLower(Vector128.LoadUnsafe(ref band[0], (nuint)at).ToVector256Unsafe());
    }

    /// <summary><see cref="AngleFlag(Vector{long}, Vector{long}, Vector{long}, Vector{long})"/> from the three product sums.</summary>
    private static Vector256<long> AngleFlag(Vector256<long> dpSum, Vector256<long> oSum, Vector256<long> tSum)
    {
        var scale = Vector256.Create(4096.0);
        var dp = ToFloat(dpSum) / scale;
        var bound = Vector256.Create((double)Cos1DegSq) * (ToFloat(oSum) / scale) * (ToFloat(tSum) / scale);
        return (Vector256.GreaterThanOrEqual(dp, Vector256<double>.Zero) & Vector256.GreaterThanOrEqual(dp * dp, bound)).AsInt64();
    }

    /// <summary>
    /// (double)(float)x, the long rounded to float once, as C's and .NET's casts round it. Through a
    /// double that is two roundings once |x| passes 2^53, and the second can go the wrong way on a
    /// tie the first made. There the bits below 2^10 are kept only as a sticky bit: the value is then
    /// exact in a double, and the float's rounding, at 2^30 or above, sees the same half and the same
    /// "something below it".
    /// </summary>
    internal static Vector256<double> ToFloat(Vector256<long> x)
    {
        var sign = Vector256.ShiftRightArithmetic(x, 63);
        var magnitude = (x ^ sign) - sign;                   // long.MinValue stays negative and takes the direct path, exact
        var big = Vector256.GreaterThan(magnitude, Vector256.Create((1L << 53) - 1));
        var sticky = Vector256.Min(magnitude & Vector256.Create(1023L), Vector256<long>.One);
        var reduced = Vector256.ConvertToDouble(Vector256.ShiftRightLogical(magnitude, 10) | sticky) * Vector256.Create(1024.0);
        var negative = sign.AsDouble() & Vector256.Create(-0.0);
        var d = Vector256.ConditionalSelect(big.AsDouble(), reduced | negative, Vector256.ConvertToDouble(x));
        return Vector256.WidenLower(Vector256.Narrow(d, d));
    }

    /// <summary><see cref="Restore32"/> of four coefficients: stores the restored detail and the impairment.</summary>
    private static void Restore32Avx2(Vector256<long> o, Vector256<long> t, Vector256<long> angle, double limit, int[] restored, int[] impairment, int p)
    {
        var zero = Vector256<long>.Zero;
        var absO = Vector256.Abs(o);
        // floor(log2 |o|) from the double's exponent (exact below 2^53); the shift is what passes 14.
        var exponent = Vector256.ShiftRightLogical(Vector256.ConvertToDouble(absO).AsInt64(), 52) - Vector256.Create(1023L);
        var shift = Vector256.Max(exponent - Vector256.Create(14L), zero).AsUInt64();
        var half = Vector256.ShiftRightLogical(Avx2.ShiftLeftLogicalVariable(Vector256<ulong>.One, shift), 1);
        var msb = Avx2.ShiftRightLogicalVariable(absO.AsUInt64() + half, shift).AsInt64();
        var recip = Vector256.ConvertToInt64(Vector256.Create(1073741824.0) / Vector256.ConvertToDouble(msb));
        var product = recip * t;
        product = Vector256.ConditionalSelect(Vector256.LessThan(o, zero), -product, product);
        var rounded = product + Avx2.ShiftLeftLogicalVariable(Vector256.Create(1L << 14).AsUInt64(), shift).AsInt64();
        var tmpK = ShiftRightArithmetic(rounded, shift + Vector256.Create(15UL));
        tmpK = Vector256.ConditionalSelect(Vector256.Equals(o, zero), Vector256.Create(32768L), tmpK);
        var k = Vector256.Min(Vector256.Max(tmpK, zero), Vector256.Create(32768L));
        // (k o + 2^14) >> 15, then to int as the scalar cast does (the low 32 bits).
        var rst = ShiftRightArithmetic(k * o + Vector256.Create(16384L), Vector256.Create(15UL));
        rst = Vector256.WidenLower(Vector256.Narrow(rst, rst));
        var gain = angle & Vector256.GreaterThan(k, zero);
        var up = gain & Vector256.GreaterThan(o, zero);
        var down = gain & Vector256.LessThan(o, zero);
        if ((up | down) != zero)
        {
            var scaled = Vector256.ConvertToDouble(rst) * Vector256.Create(limit);
            var td = Vector256.ConvertToDouble(t);
            var min = Vector256.ConvertToInt64(Vector256.Min(scaled, td));
            var max = Vector256.ConvertToInt64(Vector256.Max(scaled, td));
            rst = Vector256.ConditionalSelect(up, min, Vector256.ConditionalSelect(down, max, rst));
        }
        var r32 = Vector256.Narrow(rst, rst).GetLower();
        var a32 = Vector256.Narrow(t - rst, t - rst).GetLower();
        r32.StoreUnsafe(ref restored[0], (nuint)p);
        a32.StoreUnsafe(ref impairment[0], (nuint)p);

        // x >> s in each lane, arithmetic: the logical shift of x with its sign bits flipped, flipped back.
        static Vector256<long> ShiftRightArithmetic(Vector256<long> x, Vector256<ulong> s)
        {
            var sign = Vector256.ShiftRightArithmetic(x, 63);
            return Avx2.ShiftRightLogicalVariable((x ^ sign).AsUInt64(), s).AsInt64() ^ sign;
        }
    }

    /// <summary>dp >= 0 and dp^2 >= cos^2(1 degree) |o|^2 |t|^2, each product through float as the scalar form; all ones where true.</summary>
    private static Vector<long> AngleFlag(Vector<long> oh, Vector<long> ov, Vector<long> th, Vector<long> tv)
    {
        var dp = ThroughFloat(oh * th + ov * tv) / new Vector<double>(4096.0);
        var o = ThroughFloat(oh * oh + ov * ov) / new Vector<double>(4096.0);
        var t = ThroughFloat(th * th + tv * tv) / new Vector<double>(4096.0);
        var bound = new Vector<double>(Cos1DegSq) * o * t;
        return Vector.GreaterThanOrEqual(dp, Vector<double>.Zero) & Vector.GreaterThanOrEqual(dp * dp, bound);
    }

    /// <summary>(double)(float)x: the long rounded to float, as exact in double (|x| &lt; 2^53).</summary>
    private static Vector<double> ThroughFloat(Vector<long> x)
    {
        var d = Vector.ConvertToDouble(x);
        return Vector.WidenLower(Vector.Narrow(d, d));
    }

    /// <summary><see cref="Restore16"/> for a vector of coefficients: stores the restored detail and the impairment.</summary>
    private static void Restore16Vector(Vector<int> o, Vector<int> t, Vector<int> angle, double limit, int[] restored, int[] impairment, nuint p)
    {
        Vector.Widen(o, out var oL, out var oU);
        Vector.Widen(t, out var tL, out var tU);
        var tmpK = Vector.Narrow(ScaledQuotient(oL, tL), ScaledQuotient(oU, tU));
        var zero = Vector<int>.Zero;
        tmpK = Vector.ConditionalSelect(Vector.Equals(o, zero), new Vector<int>(32768), tmpK);
        var k = Vector.Min(Vector.Max(tmpK, zero), new Vector<int>(32768));
        var rst = ToInt16(Vector.ShiftRightArithmetic(k * o + new Vector<int>(16384), 15));
        // rst_f = (k / 32768) (o / 64) in float is positive iff k > 0 and o > 0, negative iff k > 0 and o < 0.
        var gain = angle & Vector.GreaterThan(k, zero);
        var up = gain & Vector.GreaterThan(o, zero);
        var down = gain & Vector.LessThan(o, zero);
        if (up != zero || down != zero)
        {
            Vector.Widen(rst, out var rL, out var rU);
            var lim = new Vector<double>(limit);
            var (dL, dU) = (Vector.ConvertToDouble(rL) * lim, Vector.ConvertToDouble(rU) * lim);
            var (tdL, tdU) = (Vector.ConvertToDouble(tL), Vector.ConvertToDouble(tU));
            var min = Vector.Narrow(Vector.ConvertToInt64(Vector.Min(dL, tdL)), Vector.ConvertToInt64(Vector.Min(dU, tdU)));
            var max = Vector.Narrow(Vector.ConvertToInt64(Vector.Max(dL, tdL)), Vector.ConvertToInt64(Vector.Max(dU, tdU)));
            rst = Vector.ConditionalSelect(up, ToInt16(min), Vector.ConditionalSelect(down, ToInt16(max), rst));
        }
        rst.StoreUnsafe(ref restored[0], p);
        ToInt16(t - rst).StoreUnsafe(ref impairment[0], p);
    }

    /// <summary>(div_lookup[o] t + 2^14) >> 15 with div_lookup[o] = sign(o) floor(2^30 / |o|); lanes with o = 0 are replaced by the caller.</summary>
    private static Vector<long> ScaledQuotient(Vector<long> o, Vector<long> t)
    {
        var magnitude = Vector.ConvertToInt64(new Vector<double>(1073741824.0) / Vector.ConvertToDouble(Vector.Abs(o)));
        var recip = Vector.ConditionalSelect(Vector.LessThan(o, Vector<long>.Zero), -magnitude, magnitude);
        return Vector.ShiftRightArithmetic(recip * t + new Vector<long>(16384), 15);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Restore16(int o, int t, bool angleFlag, double limit)
    {
        int tmpK = o == 0 ? 32768 : (int)(((long)DivLookup[o + 32768] * t + 16384) >> 15);
        int k = tmpK < 0 ? 0 : tmpK > 32768 ? 32768 : tmpK;
        int rst = (short)((k * o + 16384) >> 15);
        float rstF = ((float)k / 32768) * ((float)o / 64);
        if (angleFlag && rstF > 0.0) rst = (short)Math.Min(rst * limit, t);
        if (angleFlag && rstF < 0.0) rst = (short)Math.Max(rst * limit, t);
        return rst;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Restore32(int o, int t, bool angleFlag, double limit)
    {
        uint absO = (uint)Math.Abs(o);
        int sign = o < 0 ? -1 : 1;
        int shift = 0;
        uint msb = absO;
        if (absO >= 32768)
        {
            // get_best15_from32: the 15 most significant bits, rounded.
            shift = 17 - System.Numerics.BitOperations.LeadingZeroCount(absO);
            msb = (absO + (1u << (shift - 1))) >> shift;
        }
        long tmpK = o == 0 ? 32768 : (((long)DivLookup[msb + 32768] * t) * sign + (1 << (14 + shift))) >> (15 + shift);
        long k = tmpK < 0 ? 0 : tmpK > 32768 ? 32768 : tmpK;
        int rst = (int)((k * o + 16384) >> 15);
        float rstF = ((float)k / 32768) * ((float)o / 64);
        if (angleFlag && rstF > 0.0) rst = (int)Math.Min(rst * limit, t);
        if (angleFlag && rstF < 0.0) rst = (int)Math.Max(rst * limit, t);
        return rst;
    }

    /// <summary>
    /// CSF weighting of one ring row of src into dst (adm_csf: 16-bit, i_rfactor in Q21/Q23;
    /// i4_adm_csf: Q32), and into flt each coefficient's |dst| / 30 summed over the three
    /// orientations. libvmaf keeps one flt plane per orientation, but the masking threshold only
    /// ever adds all three at the same positions, in int32: the sum gives the same integers with a
    /// third of the reads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot kernel: fully optimised from the first frame
    private static void CsfRow(ref CsfFactors f, Band src, Band dst, int[] flt, int row, int left, int right)
    {
        if (f.Scale == 0)
        {
            for (int j = Csf0Vector(src, dst, flt, row, left, right, f.H, f.V, f.D); j < right; j++)
            {
                int p = row + j;
                flt[p] = Csf0(f.H, 16384, 15, src.H, dst.H, p) + Csf0(f.V, 16384, 15, src.V, dst.V, p) + Csf0(f.D, 65535, 17, src.D, dst.D, p);
            }
        }
        else
        {
            uint rf1 = (uint)f.H, rf2 = (uint)f.D;
            for (int j = CsfS123Vector(src, dst, flt, row, left, right, rf1, rf2); j < right; j++)
            {
                int p = row + j;
                flt[p] = CsfS123(rf1, src.H, dst.H, p) + CsfS123(rf1, src.V, dst.V, p) + CsfS123(rf2, src.D, dst.D, p);
            }
        }
    }

    /// <summary>A level's CSF factors: Q21 (h, v) and Q23 (d) at scale 0, Q32 at scales 1..3.</summary>
    private readonly struct CsfFactors
    {
        public readonly int Scale;
        public readonly long H, V, D;

        public CsfFactors(int scale, float f1, float f2, IntegerAdmExtractor owner)
        {
            Scale = scale;
            if (scale == 0)
            {
                Span<int> rf = stackalloc int[3];
                owner.Scale0Factors(f1, f2, rf);
                (H, V, D) = (rf[0], rf[1], rf[2]);
            }
            else
            {
                H = V = (uint)(f1 * Math.Pow(2, 32));
                D = (uint)(f2 * Math.Pow(2, 32));
            }
        }
    }

    /// <summary>Scale 0's weighting of one coefficient into dp; returns its flt term, (short)(|v| / 30) with FIX_ONE_BY_30 = 2^17/30.</summary>
    private static int Csf0(long rf, int add, int shift, int[] sp, int[] dp, int p)
    {
        int v = (short)(((int)rf * sp[p] + add) >> shift);
        dp[p] = v;
        return (short)((4369 * Math.Abs(v) + 2048) >> 12);
    }

    /// <summary>Scales 1..3's Q32 weighting of one coefficient into dp; returns its flt term, |v| / 30 with FIX_ONE_BY_30 = 2^32/30.</summary>
    private static int CsfS123(uint rf, int[] sp, int[] dp, int p)
    {
        int v = WeightS123(sp[p], rf);
        dp[p] = v;
        return I4Flt(143165577L * Math.Abs(v));
    }

    /// <summary>
    /// Scale 0's CSF weighting of one row, several coefficients at a time, the same int32 arithmetic
    /// with int16 truncation as sign extension of the low 16 bits. Returns the first column left.
    /// </summary>
    private static int Csf0Vector(Band src, Band dst, int[] flt, int row, int left, int right, long rh, long rv, long rd)
    {
        int j = left;
        if (!IntegerSimd.Vector) return j;
        Vector<int> rfH = new((int)rh), rfV = new((int)rv), rfD = new((int)rd), add15 = new(16384), add17 = new(65535);
        for (; j + Vector<int>.Count <= right; j += Vector<int>.Count)
        {
            nuint p = (nuint)(row + j);
            (Csf0Lanes(src.H, dst.H, p, rfH, add15, 15) + Csf0Lanes(src.V, dst.V, p, rfV, add15, 15) + Csf0Lanes(src.D, dst.D, p, rfD, add17, 17))
                .StoreUnsafe(ref flt[0], p);
        }
        return j;
    }

    private static Vector<int> Csf0Lanes(int[] sp, int[] dp, nuint p, Vector<int> rf, Vector<int> add, int shift)
    {
        var v = ToInt16(Vector.ShiftRightArithmetic(rf * Vector.LoadUnsafe(ref sp[0], p) + add, shift));
        v.StoreUnsafe(ref dp[0], p);
        return ToInt16(Vector.ShiftRightArithmetic(new Vector<int>(4369) * Vector.Abs(v) + new Vector<int>(2048), 12));
    }

    /// <summary>
    /// Scales 1..3's CSF weighting of one row in 64-bit lanes: the same Q32 products, shifts and
    /// int32 truncations, and the wrapped rounding term of <see cref="I4Flt"/>. Returns the first column left.
    /// </summary>
    private static int CsfS123Vector(Band src, Band dst, int[] flt, int row, int left, int right, uint rf1, uint rf2)
    {
        int j = left;
        if (!IntegerSimd.Vector) return j;
        for (; j + Vector<int>.Count <= right; j += Vector<int>.Count)
        {
            nuint p = (nuint)(row + j);
            (CsfS123Lanes(src.H, dst.H, p, rf1) + CsfS123Lanes(src.V, dst.V, p, rf1) + CsfS123Lanes(src.D, dst.D, p, rf2)).StoreUnsafe(ref flt[0], p);
        }
        return j;
    }

    private static Vector<int> CsfS123Lanes(int[] sp, int[] dp, nuint p, uint rf)
    {
        var oneBy30 = new Vector<long>(143165577L);
        var wrap = new Vector<long>(int.MinValue);
        var v = WeightS123(sp, (int)p, rf);
        v.StoreUnsafe(ref dp[0], p);
        Vector.Widen(Vector.Abs(v), out var alo, out var ahi);
        return Vector.Narrow(Vector.ShiftRightArithmetic(oneBy30 * alo + wrap, 32), Vector.ShiftRightArithmetic(oneBy30 * ahi + wrap, 32));
    }

    /// <summary>(short)x for each lane: the low 16 bits, sign-extended.</summary>
    private static Vector<int> ToInt16(Vector<int> x) => Vector.ShiftRightArithmetic(Vector.ShiftLeft(x, 16), 16);

    /// <summary>
    /// (x + add) >> 32 where libvmaf's rounding term, 1u &lt;&lt; 31 stored in an int32_t, wraps to -2^31;
    /// bit-exactness needs the same.
    /// </summary>
    private static int I4Flt(long x) => (int)((x + int.MinValue) >> 32);

    /// <summary>Scale 0's CSF factors in Q21 (h, v) and Q23 (d); libvmaf's constants for 3H at 1080 lines.</summary>
    private void Scale0Factors(float f1, float f2, Span<int> rf)
    {
        if (Math.Abs(_o.NormViewDist * _o.RefDisplayHeight - 3.0 * 1080) < 1.0e-8 && _o.CsfMode == AdmCsf.Watson97)
        {
            rf[0] = 36453;
            rf[1] = 36453;
            rf[2] = 49417;
        }
        else
        {
            rf[0] = (ushort)(f1 * Math.Pow(2, 21));
            rf[1] = (ushort)(f1 * Math.Pow(2, 21));
            rf[2] = (ushort)(f2 * Math.Pow(2, 23));
        }
    }

    /// <summary>
    /// A level's constants for the CSF denominator (adm_csf_den_scale at scale 0, adm_csf_den_s123
    /// above): the pooled region and the rounding shifts of the cube sums.
    /// </summary>
    private readonly struct DenParams
    {
        public readonly int Scale, Left, Top, Right, Bottom;
        public readonly int ShiftAccum, ShiftSq, ShiftCub, Convert;
        public readonly ulong AddAccum, AddSq, AddCub;

        public DenParams(int scale, int w, int h)
        {
            Scale = scale;
            (Left, Top, Right, Bottom) = PoolRegion(w, h);
            if (scale == 0)
            {
                ShiftAccum = Math.Max((int)Math.Ceiling(Math.Log2((Bottom - Top) * (Right - Left)) - 20), 0);
                AddAccum = ShiftAccum > 0 ? 1ul << (ShiftAccum - 1) : 0;
            }
            else
            {
                ShiftSq = scale == 2 ? 30 : 31;
                AddSq = 1ul << ShiftSq;
                Convert = scale switch { 1 => 32, 2 => 27, _ => 23 };
                ShiftCub = (int)Math.Ceiling(Math.Log2(Right - Left));
                AddCub = (ulong)Math.Pow(2, ShiftCub - 1);
                ShiftAccum = (int)Math.Ceiling(Math.Log2(Bottom - Top));
                AddAccum = (ulong)Math.Pow(2, ShiftAccum - 1);
            }
        }
    }

    /// <summary>The denominator's three cube sums, each row's added with a rounding shift.</summary>
    private struct DenSums
    {
        public ulong H, V, D;
    }

    /// <summary>One pooled row of the reference's detail bands (the ring row at row) into the cube sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot kernel: fully optimised from the first frame
    private void DenRow(ref DenParams d, int row, ref DenSums sums)
    {
        ulong innerH = 0, innerV = 0, innerD = 0;
        int j = d.Left, right = d.Right;
        if (IntegerSimd.Vector)
        {
            // Sums modulo 2^64, as libvmaf's uint64 ones: the same in any order.
            Vector<ulong> sumH = default, sumV = default, sumD = default;
            for (; j + Vector<int>.Count <= right; j += Vector<int>.Count)
                if (d.Scale == 0)
                {
                    sumH += Cubes16(_ref.H, row + j);
                    sumV += Cubes16(_ref.V, row + j);
                    sumD += Cubes16(_ref.D, row + j);
                }
                else
                {
                    sumH += Cubes32(_ref.H, row + j, d.AddSq, d.ShiftSq, d.AddCub, d.ShiftCub);
                    sumV += Cubes32(_ref.V, row + j, d.AddSq, d.ShiftSq, d.AddCub, d.ShiftCub);
                    sumD += Cubes32(_ref.D, row + j, d.AddSq, d.ShiftSq, d.AddCub, d.ShiftCub);
                }
            (innerH, innerV, innerD) = (Vector.Sum(sumH), Vector.Sum(sumV), Vector.Sum(sumD));
        }
        for (; j < right; j++)
        {
            int p = row + j;
            if (d.Scale == 0)
            {
                ulong hv = (ushort)Math.Abs(_ref.H[p]), vv = (ushort)Math.Abs(_ref.V[p]), dv = (ushort)Math.Abs(_ref.D[p]);
                innerH += hv * hv * hv;
                innerV += vv * vv * vv;
                innerD += dv * dv * dv;
            }
            else
            {
                innerH += Cube32((uint)Math.Abs(_ref.H[p]), d.AddSq, d.ShiftSq, d.AddCub, d.ShiftCub);
                innerV += Cube32((uint)Math.Abs(_ref.V[p]), d.AddSq, d.ShiftSq, d.AddCub, d.ShiftCub);
                innerD += Cube32((uint)Math.Abs(_ref.D[p]), d.AddSq, d.ShiftSq, d.AddCub, d.ShiftCub);
            }
        }
        sums.H += (innerH + d.AddAccum) >> d.ShiftAccum;
        sums.V += (innerV + d.AddAccum) >> d.ShiftAccum;
        sums.D += (innerD + d.AddAccum) >> d.ShiftAccum;
    }

    /// <summary>The level's denominator from its cube sums.</summary>
    private float DenScore(ref DenParams d, DenSums sums, float f1, float f2)
    {
        double shiftCsf = d.Scale == 0 ? Math.Pow(2, 18 - d.ShiftAccum) : Math.Pow(2, d.Convert - d.ShiftAccum - d.ShiftCub);
        return DenFromCubes(sums.H / shiftCsf, sums.V / shiftCsf, sums.D / shiftCsf, f1, f2, (d.Bottom - d.Top) * (d.Right - d.Left));
    }

    /// <summary>|x|^3 of 16-bit coefficients: the square fits 32 bits, the cube is taken in 64-bit lanes.</summary>
    private static Vector<ulong> Cubes16(int[] band, int at)
    {
        var x = Vector.AsVectorUInt32(Vector.Abs(Vector.LoadUnsafe(ref band[0], (nuint)at)));
        Vector.Widen(x * x, out var sqLo, out var sqHi);
        Vector.Widen(x, out var lo, out var hi);
        return sqLo * lo + sqHi * hi;
    }

    private static ulong Cube32(ulong v, ulong addSq, int shiftSq, ulong addCub, int shiftCub) =>
        ((((v * v) + addSq) >> shiftSq) * v + addCub) >> shiftCub;

    /// <summary><see cref="Cube32"/> of a vector of 32-bit coefficients, in 64-bit lanes (wrapping as the scalar form).</summary>
    private static Vector<ulong> Cubes32(int[] band, int at, ulong addSq, int shiftSq, ulong addCub, int shiftCub)
    {
        // |int.MinValue| is 2^31 as the scalar (uint)Math.Abs would not take; the bands never hold it.
        var x = Vector.AsVectorUInt32(Vector.Abs(Vector.LoadUnsafe(ref band[0], (nuint)at)));
        Vector.Widen(x, out var lo, out var hi);
        return Cube(lo, addSq, shiftSq, addCub, shiftCub) + Cube(hi, addSq, shiftSq, addCub, shiftCub);

        static Vector<ulong> Cube(Vector<ulong> v, ulong addSq, int shiftSq, ulong addCub, int shiftCub) =>
            Vector.ShiftRightLogical(Vector.ShiftRightLogical(v * v + new Vector<ulong>(addSq), shiftSq) * v + new Vector<ulong>(addCub), shiftCub);
    }

    private float DenFromCubes(double h, double v, double d, float f1, float f2, int area)
    {
        double csfH = h * Math.Pow(f1, 3), csfV = v * Math.Pow(f1, 3), csfD = d * Math.Pow(f2, 3);
        float add = MathF.Pow((float)(area * _o.NoiseWeight), 1.0f / 3.0f);
        float dh = MathF.Pow((float)csfH, 1.0f / 3.0f) + add;
        float dv = MathF.Pow((float)csfV, 1.0f / 3.0f) + add;
        float dd = MathF.Pow((float)csfD, 1.0f / 3.0f) + add;
        return dh + dv + dd;
    }

    /// <summary>One side's masking sums (DLM or AIM) over a level's rows.</summary>
    private struct CmSums
    {
        public long H, V, D;
    }

    /// <summary>
    /// Contrast masking and cube pooling (adm_cm, i4_adm_cm) of band row i, for both sides: DLM
    /// masks the restored detail with the additive impairment's CSF and thresholds, AIM the
    /// impairment with the restored detail's. Each detail coefficient, CSF-weighted, less a
    /// threshold from the 3x3 neighbourhood of angles (the centre at 1/15, the neighbours from flt
    /// at 1/30), clipped at 0 and cubed with libvmaf's shifts. Rows are summed with a rounding shift
    /// each; the first and last rows are their own groups, counted when the pooled region reaches
    /// them. Integer sums, so the order of the rows does not matter.
    /// </summary>
    private void CmGroups(ref CmParams p, int i, ref CmSums dlm, ref CmSums aim)
    {
        if (i == 0) CmSides(ref p, 0, p.Top <= 0, ref dlm, ref aim);
        if (i >= p.StartRow && i < p.EndRow) CmSides(ref p, i, true, ref dlm, ref aim);
        if (i == p.H - 1) CmSides(ref p, i, p.Bottom > p.H - 1, ref dlm, ref aim);
    }

    private void CmSides(ref CmParams p, int i, bool applies, ref CmSums dlm, ref CmSums aim)
    {
        CmRow(ref p, _r, _csfA, _fltA, i, applies, ref dlm);
        CmRow(ref p, _a, _csfR, _fltR, i, applies, ref aim);
    }

    /// <summary>One side's masked sum for the level, from its row sums.</summary>
    private static float CmScore(ref CmParams p, CmSums sums, double noiseWeight)
    {
        float fH, fV, fD;
        if (p.Scale == 0)
        {
            fH = (float)(sums.H / Math.Pow(2, 52 - p.ShiftCubHV - p.ShiftInner));
            fV = (float)(sums.V / Math.Pow(2, 52 - p.ShiftCubHV - p.ShiftInner));
            fD = (float)(sums.D / Math.Pow(2, 57 - p.ShiftCubD - p.ShiftInner));
        }
        else
        {
            // libvmaf divides an int64 by a float here: the sum is rounded to float first.
            float finalShift = (float)Math.Pow(2, (p.Scale switch { 1 => 45, 2 => 39, _ => 36 }) - p.ShiftCubHV - p.ShiftInner);
            fH = (float)sums.H / finalShift;
            fV = (float)sums.V / finalShift;
            fD = (float)sums.D / finalShift;
        }
        float add = MathF.Pow((float)((p.Bottom - p.Top) * (p.Right - p.Left) * noiseWeight), 1.0f / 3.0f);
        float nh = MathF.Pow(fH, 1.0f / 3.0f) + add;
        float nv = MathF.Pow(fV, 1.0f / 3.0f) + add;
        float nd = MathF.Pow(fD, 1.0f / 3.0f) + add;
        return nh + nv + nd;
    }

    /// <summary>Where band row i lives in the rings: rows cycle through RingRows slots of w.</summary>
    private static int RowAt(int i, int w) => i % RingRows * w;

    /// <summary>One row's group: its pixels summed, then shifted with rounding into the band's sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CmRow(ref CmParams p, Band src, Band angles, int[] flt, int i, bool applies, ref CmSums acc)
    {
        int w = p.W;
        long innerH = 0, innerV = 0, innerD = 0;
        if (applies)
        {
            // libvmaf's border macros: above row 0 is row 1, below row h-1 is row h-1.
            int up = RowAt(i == 0 ? 1 : i - 1, w), here = RowAt(i, w), down = RowAt(i == p.H - 1 ? p.H - 1 : i + 1, w);
            if (p.Left <= 0) CmPixel(ref p, src, angles, flt, up, here, down, 0, ref innerH, ref innerV, ref innerD);
            int j = CmRowVector(ref p, src, angles, flt, up, here, down, ref innerH, ref innerV, ref innerD);
            for (; j < p.EndCol; j++) CmPixel(ref p, src, angles, flt, up, here, down, j, ref innerH, ref innerV, ref innerD);
            if (p.Right > w - 1) CmPixel(ref p, src, angles, flt, up, here, down, w - 1, ref innerH, ref innerV, ref innerD);
        }
        acc.H += (innerH + p.AddInner) >> p.ShiftInner;
        acc.V += (innerV + p.AddInner) >> p.ShiftInner;
        acc.D += (innerD + p.AddInner) >> p.ShiftInner;
    }

    /// <summary>
    /// Masking for the inner columns of a row (every neighbour inside the row), several at a time:
    /// thresholds in 32-bit lanes (int16 truncation at scale 0; the Q32 centre at scales 1..3 in
    /// 64-bit lanes), the cube in 64-bit lanes with libvmaf's (int32_t) cast of the square. Integer
    /// sums, so the order does not matter. Returns the first column left.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int CmRowVector(ref CmParams p, Band src, Band angles, int[] flt, int a, int b, int c,
        ref long accH, ref long accV, ref long accD)
    {
        int j = p.StartCol, endCol = p.EndCol;
        if (!IntegerSimd.Vector) return j;
        bool s0 = p.Scale == 0;
        if (s0 && UseMask0Avx512)
            j = AdmMask0Avx512.Row(new AdmMask0Avx512.Factors((int)p.RfH, (int)p.RfV, (int)p.RfD, p.AddCubHV, p.ShiftCubHV, p.AddCubD, p.ShiftCubD),
                src.H, src.V, src.D, angles.H, angles.V, angles.D, flt, a, b, c, j, endCol, ref accH, ref accV, ref accD);
        // ADM_CM_ACCUM_ROUND's square shift: 29 for scale 0's h and v, 30 otherwise.
        long addSqHV = s0 ? 268435456 : 536870912;
        int shiftSqHV = s0 ? 29 : 30;
        Vector<long> sumH = default, sumV = default, sumD = default;
        for (; j + Vector<int>.Count <= endCol; j += Vector<int>.Count)
        {
            var thr = Neighbours(flt, a, b, c, j) + (s0
                ? Centre0(angles.H, b + j) + Centre0(angles.V, b + j) + Centre0(angles.D, b + j)
                : CentreS123(angles.H, b + j) + CentreS123(angles.V, b + j) + CentreS123(angles.D, b + j));
            var (thrHV, thrD) = s0 ? (Vector.ShiftLeft(thr, 10), Vector.ShiftLeft(thr, 12)) : (thr, thr);
            sumH += Cubes(Weighted(s0, src.H, b + j, p.RfH), thrHV, addSqHV, shiftSqHV, p.AddCubHV, p.ShiftCubHV);
            sumV += Cubes(Weighted(s0, src.V, b + j, p.RfV), thrHV, addSqHV, shiftSqHV, p.AddCubHV, p.ShiftCubHV);
            sumD += Cubes(Weighted(s0, src.D, b + j, p.RfD), thrD, 536870912, 30, p.AddCubD, p.ShiftCubD);
        }
        accH += Vector.Sum(sumH);
        accV += Vector.Sum(sumV);
        accD += Vector.Sum(sumD);
        return j;
    }

    /// <summary>The CSF-weighted coefficients: x rf in int32 at scale 0 (Q21/Q23), the Q32 product's rounded shift at scales 1..3.</summary>
    private static Vector<int> Weighted(bool scale0, int[] src, int at, long rf) =>
        scale0 ? Vector.LoadUnsafe(ref src[0], (nuint)at) * new Vector<int>((int)rf) : WeightS123(src, at, rf);

    /// <summary>Scales 1..3's CSF weighting, (int)((x rf + 2^27) >> 28), rf in Q32.</summary>
    private static int WeightS123(int x, long rf) => (int)((x * rf + (1 << 27)) >> 28);

    /// <summary><see cref="WeightS123(int, long)"/> for a vector of coefficients.</summary>
    private static Vector<int> WeightS123(int[] src, int at, long rf)
    {
        Vector.Widen(Vector.LoadUnsafe(ref src[0], (nuint)at), out var lo, out var hi);
        var f = new Vector<long>(rf);
        var round = new Vector<long>(1 << 27);
        return Vector.Narrow(Vector.ShiftRightArithmetic(f * lo + round, 28), Vector.ShiftRightArithmetic(f * hi + round, 28));
    }

    /// <summary>Scales 1..3's centre term of one orientation: |angle| / 15 in Q32 with the wrapped rounding.</summary>
    private static Vector<int> CentreS123(int[] angles, int at)
    {
        Vector.Widen(Vector.Abs(Vector.LoadUnsafe(ref angles[0], (nuint)at)), out var lo, out var hi);
        var oneBy15 = new Vector<long>(286331153L);
        var wrap = new Vector<long>(int.MinValue);
        return Vector.Narrow(Vector.ShiftRightArithmetic(oneBy15 * lo + wrap, 32), Vector.ShiftRightArithmetic(oneBy15 * hi + wrap, 32));
    }

    /// <summary>Scale 0's centre term of one orientation: (short)(|angle| / 15).</summary>
    private static Vector<int> Centre0(int[] angles, int at) =>
        ToInt16(Vector.ShiftRightArithmetic(new Vector<int>(8738) * Vector.Abs(Vector.LoadUnsafe(ref angles[0], (nuint)at)) + new Vector<int>(2048), 12));

    /// <summary>The eight neighbours' flt values around columns j.. of row b.</summary>
    private static Vector<int> Neighbours(int[] flt, int a, int b, int c, int j)
    {
        ref int f = ref flt[0];
        return Vector.LoadUnsafe(ref f, (nuint)(a + j - 1)) + Vector.LoadUnsafe(ref f, (nuint)(a + j)) + Vector.LoadUnsafe(ref f, (nuint)(a + j + 1))
             + Vector.LoadUnsafe(ref f, (nuint)(b + j - 1)) + Vector.LoadUnsafe(ref f, (nuint)(b + j + 1))
             + Vector.LoadUnsafe(ref f, (nuint)(c + j - 1)) + Vector.LoadUnsafe(ref f, (nuint)(c + j)) + Vector.LoadUnsafe(ref f, (nuint)(c + j + 1));
    }

    /// <summary>ADM_CM_ACCUM_ROUND for several coefficients: max(|x rf| - thr, 0) cubed, as 64-bit lanes.</summary>
    private static Vector<long> Cubes(Vector<int> weighted, Vector<int> thr, long addSq, int shiftSq, long addCub, int shiftCub)
    {
        var x = Vector.Max(Vector.Abs(weighted) - thr, Vector<int>.Zero);
        Vector.Widen(x, out var lo, out var hi);
        return Cube(lo, addSq, shiftSq, addCub, shiftCub) + Cube(hi, addSq, shiftSq, addCub, shiftCub);
    }

    private static Vector<long> Cube(Vector<long> x, long addSq, int shiftSq, long addCub, int shiftCub)
    {
        var sq = Vector.ShiftRightArithmetic(x * x + new Vector<long>(addSq), shiftSq);
        sq = Vector.ShiftRightArithmetic(Vector.ShiftLeft(sq, 32), 32); // libvmaf's (int32_t) cast
        return Vector.ShiftRightArithmetic(sq * x + new Vector<long>(addCub), shiftCub);
    }

    /// <summary>A level's constants of adm_cm / i4_adm_cm.</summary>
    private readonly struct CmParams
    {
        public readonly int Scale, W, H;
        public readonly int Left, Top, Right, Bottom;      // the pooled region
        public readonly int StartCol, EndCol, StartRow, EndRow; // its part whose neighbours all lie inside the band
        public readonly long RfH, RfV, RfD;         // Q21/Q21/Q23 (scale 0) or Q32 (scales 1..3)
        public readonly int ShiftCubHV, ShiftCubD, ShiftInner;
        public readonly long AddCubHV, AddCubD, AddInner;

        public CmParams(int scale, int w, int h, in CsfFactors rf)
        {
            Scale = scale;
            W = w;
            H = h;
            (Left, Top, Right, Bottom) = PoolRegion(w, h);
            (StartCol, EndCol) = (Math.Max(Left, 1), Math.Min(Right, w - 1));
            (StartRow, EndRow) = (Math.Max(Top, 1), Math.Min(Bottom, h - 1));
            ShiftInner = (int)Math.Ceiling(Math.Log2(h));
            AddInner = (long)Math.Pow(2, ShiftInner - 1);
            (RfH, RfV, RfD) = (rf.H, rf.V, rf.D);
            if (scale == 0)
            {
                ShiftCubHV = (int)Math.Ceiling(Math.Log2(w) - 4);
                ShiftCubD = (int)Math.Ceiling(Math.Log2(w) - 3);
            }
            else
                ShiftCubHV = ShiftCubD = (int)Math.Ceiling(Math.Log2(w));
            AddCubHV = (long)(uint)Math.Pow(2, ShiftCubHV - 1);
            AddCubD = (long)(uint)Math.Pow(2, ShiftCubD - 1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot kernel: fully optimised from the first frame
    private static void CmPixel(ref CmParams p, Band src, Band angles, int[] flt, int a, int b, int d, int j,
        ref long accH, ref long accV, ref long accD)
    {
        int w = p.W;
        // libvmaf's border macros: left of column 0 is column 1, right of column w-1 is column w-1.
        int lf = j == 0 ? 1 : j - 1, rt = j == w - 1 ? w - 1 : j + 1;
        int c = b + j;
        int thr = flt[a + lf] + flt[a + j] + flt[a + rt] + flt[b + lf] + flt[b + rt] + flt[d + lf] + flt[d + j] + flt[d + rt]
                + Centre(p.Scale, angles.H[c]) + Centre(p.Scale, angles.V[c]) + Centre(p.Scale, angles.D[c]);
        if (p.Scale == 0)
        {
            int xh = src.H[c] * (int)p.RfH, xv = src.V[c] * (int)p.RfV, xd = src.D[c] * (int)p.RfD;
            accH += CubeAboveThreshold(xh, thr << 10, 268435456, 29, p.AddCubHV, p.ShiftCubHV);
            accV += CubeAboveThreshold(xv, thr << 10, 268435456, 29, p.AddCubHV, p.ShiftCubHV);
            accD += CubeAboveThreshold(xd, thr << 12, 536870912, 30, p.AddCubD, p.ShiftCubD);
        }
        else
        {
            int xh = WeightS123(src.H[c], p.RfH), xv = WeightS123(src.V[c], p.RfV), xd = WeightS123(src.D[c], p.RfD);
            accH += CubeAboveThreshold(xh, thr, 536870912, 30, p.AddCubHV, p.ShiftCubHV);
            accV += CubeAboveThreshold(xv, thr, 536870912, 30, p.AddCubHV, p.ShiftCubHV);
            accD += CubeAboveThreshold(xd, thr, 536870912, 30, p.AddCubD, p.ShiftCubD);
        }
    }

    /// <summary>One orientation's centre term of the masking threshold: |angle| / 15.</summary>
    private static int Centre(int scale, int angle) => scale == 0
        ? (short)((8738 * Math.Abs(angle) + 2048) >> 12)     // ONE_BY_15 = 2^17/15
        : I4Flt(286331153L * Math.Abs(angle));                // I4_ONE_BY_15 = 2^32/15

    /// <summary>ADM_CM_ACCUM_ROUND: max(|x| - thr, 0) cubed through two rounding shifts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long CubeAboveThreshold(int x, int thr, long addSq, int shiftSq, long addCub, int shiftCub)
    {
        x = Math.Abs(x) - thr;
        x = x < 0 ? 0 : x;
        int xSq = (int)(((long)x * x + addSq) >> shiftSq);
        return ((long)xSq * x + addCub) >> shiftCub;
    }

    /// <summary>Rows of a DWT level's detail bands, values stored as int.</summary>
    private sealed class Band(int size)
    {
        public readonly int[] H = new int[size], V = new int[size], D = new int[size];
    }
}
