using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EncodeQuality.Vmaf.Features.Integer;

/// <summary>
/// Visual Information Fidelity at four scales in libvmaf 3's fixed-point arithmetic
/// (libvmaf/src/feature/integer_vif.c, the plain C path that defines its values): Q16 Gaussian
/// taps, a vertical then horizontal pass with reflect-101 borders and the same rounding shifts,
/// a 2x decimation of the low-passed picture between scales, and the information ratio
/// accumulated in integers through a log2 lookup table. Values are bit-exact with libvmaf's.
/// Written as integer_vif_scale0..3 (with the gain-limit suffix when the model sets one).
/// Each frame is computed whole on one thread; frames run side by side on the scorer's workers.
/// </summary>
internal sealed class IntegerVifExtractor : IFeatureExtractor
{
    /// <summary>The options it takes, as libvmaf declares them (the float extractor takes some of them too).</summary>
    public static readonly OptionSpec[] OptionSpecs =
    [
        new("vif_enhn_gain_limit", "egl", 100.0),
        new("vif_skip_scale0", "ssclz", 0, IsBool: true),
    ];

    public static readonly FeatureExtractors.Entry Entry = new("integer_vif", false,
        ["VMAF_integer_feature_vif_scale0_score", "VMAF_integer_feature_vif_scale1_score",
         "VMAF_integer_feature_vif_scale2_score", "VMAF_integer_feature_vif_scale3_score"],
        OptionSpecs,
        (c, o) => o.Flag("vif_skip_scale0")
            ? throw FeatureExtractors.Unsupported("vif_skip_scale0 is")
            : new IntegerVifExtractor(c.Width, c.Height, o["vif_enhn_gain_limit"], o.Suffix,
                c.Shared("integer_vif", () => new VifReference(c.Width, c.Height))),
        FeatureExtractors.IntegerName,
        (w, h, _) => 4 * 2 * FeatureExtractors.Quarter(w, h) + 2 * 8 * 4L * (w + 32), // 4 decimated planes; 8 rows of moments, twice for the 512-bit paths (which also bounds their 2 decimation rows)
        SharedPerFrame: VifReference.Bytes); // the reference's mean and variance at every scale

    // libvmaf integer_vif.h, vif_filter1d_table: Q16 taps of the 17/9/5/3-tap Gaussians (each sums to 65536).
    private static readonly ushort[][] Taps =
    [
        [489, 935, 1640, 2640, 3896, 5274, 6547, 7455, 7784, 7455, 6547, 5274, 3896, 2640, 1640, 935, 489],
        [1244, 3663, 7925, 12590, 14692, 12590, 7925, 3663, 1244],
        [3571, 16004, 26386, 16004, 3571],
        [10904, 43728, 10904],
    ];

    private const int SigmaNsq = 65536 << 1;
    private const int Pad = 8;                 // half of the widest filter

    /// <summary>libvmaf's log_generate: round(log2f(i) * 2048) for i in 32767..65535.</summary>
    private static readonly ushort[] Log2Table = BuildLog2Table();

    /// <summary>The same table widened to int and pinned, for the gathers of <see cref="VifStatisticAvx512"/>.</summary>
    private static readonly int[] Log2Gather = BuildLog2Gather();

    /// <summary>The pinned table's address, as the gathers take it.</summary>
    private static unsafe int* Log2GatherAddress => (int*)Unsafe.AsPointer(ref Log2Gather[0]);

    private static int[] BuildLog2Gather()
    {
        var t = GC.AllocateArray<int>(65536, pinned: true);
        for (int i = 0; i < t.Length; i++) t[i] = Log2Table[i];
        return t;
    }

    private static ushort[] BuildLog2Table()
    {
        var t = new ushort[65536];
        for (int i = 32767; i < 65536; i++) t[i] = (ushort)Math.Round(MathF.Log2(i) * 2048f, MidpointRounding.AwayFromZero);
        return t;
    }

    private readonly string[] _names;
    private readonly double _gainLimit;
    private readonly int _width, _height;
    private readonly RowScratch _scratch;
    // Decimated pictures: scale s lives in buffer s % 2 (the previous scale is read while the next is written).
    private readonly ushort[][] _scaledRef, _scaledDis;

    private readonly SharedFrames<VifReference>? _shared;

    /// <param name="shared">The reference's terms shared with other streams scored against it, or null.</param>
    public IntegerVifExtractor(int width, int height, double gainLimit, string nameSuffix, SharedFrames<VifReference>? shared = null)
    {
        _shared = shared;
        _gainLimit = gainLimit;
        _width = width;
        _height = height;
        _names = [.. Enumerable.Range(0, 4).Select(i => $"integer_vif_scale{i}{nameSuffix}")];
        _scratch = new RowScratch(width);
        int quarter = (width / 2) * (height / 2) + 1;
        _scaledRef = [new ushort[quarter], new ushort[quarter]];
        _scaledDis = [new ushort[quarter], new ushort[quarter]];
    }

    public IReadOnlyList<string> Features => _names;

    public void Extract(long index, FramePair frame, bool score, FeatureBoard board)
    {
        if (!score) return;
        Span<float> ratio = stackalloc float[4];
        var work = _shared?.Begin(index) ?? default;
        bool completed = false;
        try
        {
            var mode = work.State is null ? VifShareMode.Alone : work.Lead ? VifShareMode.Lead : VifShareMode.Follow;
            Compute(frame.Reference, frame.Distorted, frame.BitDepth, ratio, work.State, mode);
            completed = true;
        }
        finally { _shared?.End(index, work, completed); }
        for (int i = 0; i < 4; i++) board.Set(index, _names[i], ratio[i]);
    }

    /// <summary>num/den per scale, divided in float as libvmaf does; with <paramref name="shared"/>, filling it (lead) or taking the reference's terms from it (follow).</summary>
    internal void Compute(ushort[] reference, ushort[] distorted, int bitDepth, Span<float> ratio, VifReference? shared = null,
        VifShareMode mode = VifShareMode.Alone)
    {
        ushort[] r = reference, d = distorted;
        int w = _width, h = _height;
        for (int scale = 0; scale < 4; scale++)
        {
            if (scale > 0)
            {
                Subsample(r, d, w, h, scale, bitDepth, _scaledRef[scale % 2], _scaledDis[scale % 2]);
                r = _scaledRef[scale % 2];
                d = _scaledDis[scale % 2];
                w /= 2;
                h /= 2;
            }
            var (numLog, denLog, numNonLog, denNonLog) = Statistic(r, d, w, h, scale, bitDepth, shared, mode);
            // The denominator's log terms read only the reference: a follower adds the leader's sum.
            if (mode == VifShareMode.Lead) shared!.DenLog[scale] = denLog;
            else if (mode == VifShareMode.Follow) denLog = shared!.DenLog[scale];
            // integer_vif.c: num and den are floats; the score is their float quotient.
            float num = (float)(numLog / 2048.0 + (denNonLog - numNonLog / 16384.0 / 65025.0));
            float den = (float)(denLog / 2048.0 + denNonLog);
            ratio[scale] = num / den;
        }
    }

    /// <summary>The statistic's four integer sums over a scale's picture (w x h samples of r and d).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot kernel: fully optimised from the first frame
    private (long NumLog, long DenLog, long NumNonLog, long DenNonLog) Statistic(ushort[] r, ushort[] d, int w, int h, int scale, int bpc,
        VifReference? shared, VifShareMode mode)
    {
        VifSharedRow Row(int i) => shared is null ? VifSharedRow.None : new VifSharedRow(mode, shared.Mu1[scale], shared.Sigma1[scale], i * w);
        int shiftVp, shiftVpSq;
        uint addVp;
        ulong addVpSq;
        if (scale == 0)
        {
            shiftVp = bpc;
            addVp = 1u << (bpc - 1);
            shiftVpSq = (bpc - 8) * 2;
            addVpSq = bpc == 8 ? 0 : 1ul << (shiftVpSq - 1);
        }
        else
        {
            shiftVp = 16;
            addVp = 32768;
            shiftVpSq = 16;
            addVpSq = 32768;
        }
        var s = _scratch;
        long numLog = 0, denLog = 0, numNonLog = 0, denNonLog = 0;
        if (s.Wide is not null && (scale == 0 ? bpc == 8 : Avx512Words.Fits(Taps[scale])))
        {
            var taps = Taps[scale];
            Span<int> rows = stackalloc int[taps.Length];
            for (int i = 0; i < h; i++)
            {
                for (int k = 0; k < taps.Length; k++) rows[k] = Mirror.Index(i - taps.Length / 2 + k, h) * w;
                unsafe
                {
                    VifRowAvx512.Row(taps, r, d, rows, w, s.Wide, _gainLimit, Log2GatherAddress, Row(i),
                        ref numLog, ref denLog, ref numNonLog, ref denNonLog);
                }
            }
        }
        else for (int i = 0; i < h; i++)
        {
            VerticalMoments(Taps[scale], r, d, w, h, i, shiftVp, addVp, shiftVpSq, addVpSq, s);
            HorizontalStatistic(Taps[scale], w, s, _gainLimit, Row(i), ref numLog, ref denLog, ref numNonLog, ref denNonLog);
        }
        return (numLog, denLog, numNonLog, denNonLog);
    }

    /// <summary>
    /// Vertical pass of row i: filtered means (rounded by shiftVp) and filtered second moments
    /// (rounded by shiftVpSq) into the padded row buffers, then reflect-101 padding.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot kernel: fully optimised from the first frame
    private static void VerticalMoments(ushort[] taps, ushort[] r, ushort[] d, int w, int h, int i,
        int shiftVp, uint addVp, int shiftVpSq, ulong addVpSq, RowScratch s)
    {
        int fw = taps.Length, half = fw / 2;
        Span<int> rows = stackalloc int[fw];
        for (int k = 0; k < fw; k++) rows[k] = Mirror.Index(i - half + k, h) * w;
        int j = 0;
        if (IntegerSimd.Vector)
        {
            // 8-bit samples at scale 0: squares below 2^16, so libvmaf's uint32 sums fit as they are.
            bool small = shiftVpSq == 0;
            for (; j + Vector<ushort>.Count <= w; j += Vector<ushort>.Count)
            {
                VerticalVector(taps, r, d, rows, j, false, small, shiftVp, addVp, shiftVpSq, (uint)addVpSq, s);
                VerticalVector(taps, r, d, rows, j, true, small, shiftVp, addVp, shiftVpSq, (uint)addVpSq, s);
            }
        }
        for (; j < w; j++)
        {
            uint aMu1 = 0, aMu2 = 0;
            ulong aRef = 0, aDis = 0, aRefDis = 0;
            for (int k = 0; k < fw; k++)
            {
                uint f = taps[k];
                uint pr = r[rows[k] + j], pd = d[rows[k] + j];
                uint cr = f * pr, cd = f * pd;
                aMu1 += cr;
                aMu2 += cd;
                aRef += (ulong)cr * pr;
                aDis += (ulong)cd * pd;
                aRefDis += (ulong)cr * pd;
            }
            s.Mu1[Pad + j] = (aMu1 + addVp) >> shiftVp;
            s.Mu2[Pad + j] = (aMu2 + addVp) >> shiftVp;
            s.SetMoments(Pad + j, (uint)((aRef + addVpSq) >> shiftVpSq), (uint)((aDis + addVpSq) >> shiftVpSq), (uint)((aRefDis + addVpSq) >> shiftVpSq));
        }
        s.PadAll(w, half);
    }

    /// <summary>
    /// The vertical pass for one half of a vector of columns, in uint32 lanes. Second moments that
    /// may pass 2^32 (deeper samples, later scales) are summed as a high and a low 16-bit part,
    /// each below 2^32, and recombined with the rounding shift; integer sums are exact in any
    /// order, so the values are libvmaf's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void VerticalVector(ushort[] taps, ushort[] r, ushort[] d, ReadOnlySpan<int> rows, int j, bool upper, bool small,
        int shiftVp, uint addVp, int shiftVpSq, uint addVpSq, RowScratch s)
    {
        var mu1 = Vector<uint>.Zero;
        var mu2 = Vector<uint>.Zero;
        Vector<uint> rrH = default, rrL = default, ddH = default, ddL = default, rdH = default, rdL = default;
        var lowMask = new Vector<uint>(0xFFFF);
        // Symmetric taps share a multiply: f * (a + b) for the rows k and fw-1-k (integer, so exact;
        // every partial sum stays below the total, which libvmaf's uint32 holds).
        int fw = taps.Length, half = fw / 2;
        for (int k = 0; k <= half; k++)
        {
            var f = new Vector<uint>(taps[k]);
            var (pr, pd) = Samples(r, d, rows[k] + j, upper);
            Vector<uint> rr, dd, rd, rrHi = default, ddHi = default, rdHi = default;
            if (small)
            {
                (rr, dd, rd) = (pr * pr, pd * pd, pr * pd);
            }
            else
            {
                (rr, dd, rd) = (pr * pr & lowMask, pd * pd & lowMask, pr * pd & lowMask);
                (rrHi, ddHi, rdHi) = (Vector.ShiftRightLogical(pr * pr, 16), Vector.ShiftRightLogical(pd * pd, 16), Vector.ShiftRightLogical(pr * pd, 16));
            }
            if (k < half)
            {
                var (qr, qd) = Samples(r, d, rows[fw - 1 - k] + j, upper);
                if (small)
                {
                    rr += qr * qr;
                    dd += qd * qd;
                    rd += qr * qd;
                }
                else
                {
                    rr += qr * qr & lowMask;
                    dd += qd * qd & lowMask;
                    rd += qr * qd & lowMask;
                    rrHi += Vector.ShiftRightLogical(qr * qr, 16);
                    ddHi += Vector.ShiftRightLogical(qd * qd, 16);
                    rdHi += Vector.ShiftRightLogical(qr * qd, 16);
                }
                pr += qr;
                pd += qd;
            }
            mu1 += f * pr;
            mu2 += f * pd;
            rrL += f * rr;
            ddL += f * dd;
            rdL += f * rd;
            if (!small)
            {
                rrH += f * rrHi;
                ddH += f * ddHi;
                rdH += f * rdHi;
            }
        }
        int o = Pad + j + (upper ? Vector<uint>.Count : 0);
        Vector.ShiftRightLogical(mu1 + new Vector<uint>(addVp), shiftVp).StoreUnsafe(ref s.Mu1[0], (nuint)o);
        Vector.ShiftRightLogical(mu2 + new Vector<uint>(addVp), shiftVp).StoreUnsafe(ref s.Mu2[0], (nuint)o);
        if (!small)
        {
            // (2^16 H + L + add) >> shift, for shift <= 16: (H << (16 - shift)) + ((L + add) >> shift).
            var add = new Vector<uint>(addVpSq);
            rrL = Vector.ShiftLeft(rrH, 16 - shiftVpSq) + Vector.ShiftRightLogical(rrL + add, shiftVpSq);
            ddL = Vector.ShiftLeft(ddH, 16 - shiftVpSq) + Vector.ShiftRightLogical(ddL + add, shiftVpSq);
            rdL = Vector.ShiftLeft(rdH, 16 - shiftVpSq) + Vector.ShiftRightLogical(rdL + add, shiftVpSq);
        }
        s.SetMoments(o, rrL, ddL, rdL);
    }

    /// <summary>One half (lower or upper lanes) of a vector of reference and distorted samples, widened.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector<uint>, Vector<uint>) Samples(ushort[] r, ushort[] d, int at, bool upper)
    {
        var wr = Vector.LoadUnsafe(ref r[0], (nuint)at);
        var wd = Vector.LoadUnsafe(ref d[0], (nuint)at);
        return upper ? (Vector.WidenUpper(wr), Vector.WidenUpper(wd)) : (Vector.WidenLower(wr), Vector.WidenLower(wd));
    }

    /// <summary>
    /// Horizontal pass of one row and the per-pixel statistic, accumulated as libvmaf does. The
    /// 64-bit filtered second moments are summed as their high and low 16-bit parts in uint32
    /// (each part's sum stays below 2^32) and recombined: (2^16 H + L + 2^15) >> 16 = H + ((L + 2^15) >> 16).
    /// A row that shares the reference's terms (<paramref name="shared"/>) fills them or takes them;
    /// these generic kernels filter all five moments together, so a follower still filters the
    /// reference here and saves only the denominator (the AVX-512 row saves its filtering too).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot kernel: fully optimised from the first frame
    private static void HorizontalStatistic(ushort[] taps, int w, RowScratch s, double gainLimit, in VifSharedRow shared,
        ref long numLog, ref long denLog, ref long numNonLog, ref long denNonLog)
    {
        int fw = taps.Length, half = fw / 2;
        bool follow = shared.Mode == VifShareMode.Follow, lead = shared.Mode == VifShareMode.Lead;
        int j = 0;
        if (IntegerSimd.Vector)
        {
            int lanes = Vector<uint>.Count;
            if (IntegerSimd.Avx512 && lanes == 8)
            {
                // Sixteen columns (two vectors) per call of the AVX-512 statistic.
                var sums = default(VifStatisticAvx512.RowSums);
                for (; j + 16 <= w; j += 16)
                {
                    var (mu1a, mu2a, xxa, yya, xya) = HorizontalVector(taps, s, j);
                    var (mu1b, mu2b, xxb, yyb, xyb) = HorizontalVector(taps, s, j + 8);
                    var mu1 = Join(mu1a, mu1b);
                    Vector512<int> sigma1;
                    nuint at = (nuint)(shared.Start + j);
                    if (follow)
                    {
                        mu1 = Vector512.LoadUnsafe(ref shared.Mu1[0], at);
                        sigma1 = Vector512.LoadUnsafe(ref shared.Sigma1[0], at);
                    }
                    else
                    {
                        sigma1 = VifStatisticAvx512.Sigma1(mu1, Join(xxa, xxb));
                        if (lead)
                        {
                            mu1.StoreUnsafe(ref shared.Mu1[0], at);
                            sigma1.StoreUnsafe(ref shared.Sigma1[0], at);
                        }
                    }
                    unsafe
                    {
                        VifStatisticAvx512.Accumulate(mu1, sigma1, Join(mu2a, mu2b), Join(yya, yyb), Join(xya, xyb), !follow,
                            gainLimit, Log2GatherAddress, ref sums);
                    }
                }
                sums.Drain(ref numLog, ref denLog, ref numNonLog, ref denNonLog);
            }
            else
            {
                Span<uint> m1 = stackalloc uint[lanes], m2 = stackalloc uint[lanes], xx = stackalloc uint[lanes], yy = stackalloc uint[lanes], xy = stackalloc uint[lanes];
                for (; j + lanes <= w; j += lanes)
                {
                    var (mu1, mu2, xxF, yyF, xyF) = HorizontalVector(taps, s, j);
                    mu1.CopyTo(m1);
                    mu2.CopyTo(m2);
                    xxF.CopyTo(xx);
                    yyF.CopyTo(yy);
                    xyF.CopyTo(xy);
                    for (int l = 0; l < lanes; l++)
                    {
                        var (mu1L, sigma1) = Reference(shared, j + l, m1[l], xx[l]);
                        Accumulate(mu1L, sigma1, m2[l], yy[l], xy[l], !follow, gainLimit, ref numLog, ref denLog, ref numNonLog, ref denNonLog);
                    }
                }
            }
        }
        for (; j < w; j++)
        {
            uint mu1 = 0, mu2 = 0;
            ulong xx = 0, yy = 0, xy = 0;
            int o = Pad + j - half;
            for (int k = 0; k < fw; k++)
            {
                uint f = taps[k];
                mu2 += f * s.Mu2[o + k];
                yy += (ulong)f * s.Dis(o + k);
                xy += (ulong)f * s.RefDis(o + k);
                if (follow) continue;
                mu1 += f * s.Mu1[o + k];
                xx += (ulong)f * s.Ref(o + k);
            }
            var (mu1R, sigma1) = Reference(shared, j, mu1, (uint)((xx + 32768) >> 16));
            Accumulate(mu1R, sigma1, mu2, (uint)((yy + 32768) >> 16), (uint)((xy + 32768) >> 16), !follow,
                gainLimit, ref numLog, ref denLog, ref numNonLog, ref denNonLog);
        }
    }

    /// <summary>Column j's reference terms: taken from the shared row, or computed from its filtered mean and square (and shared when leading).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (uint Mu1, int Sigma1) Reference(in VifSharedRow shared, int j, uint mu1, uint xx)
    {
        int at = shared.Start + j;
        if (shared.Mode == VifShareMode.Follow) return (shared.Mu1[at], shared.Sigma1[at]);
        int sigma1 = Sigma1(mu1, xx);
        if (shared.Mode == VifShareMode.Lead) (shared.Mu1[at], shared.Sigma1[at]) = (mu1, sigma1);
        return (mu1, sigma1);
    }

    private static Vector512<uint> Join(Vector<uint> lo, Vector<uint> hi) => Vector512.Create(lo.AsVector256(), hi.AsVector256());

    /// <summary>The horizontal pass of one vector of columns: filtered means and rounded second moments.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector<uint> Mu1, Vector<uint> Mu2, Vector<uint> Xx, Vector<uint> Yy, Vector<uint> Xy) HorizontalVector(ushort[] taps, RowScratch s, int j)
    {
        int fw = taps.Length, half = fw / 2;
        int o = Pad + j - half;
        Vector<uint> mu1 = default, mu2 = default, rh = default, rl = default, dh = default, dl = default, xh = default, xl = default;
        // Symmetric taps paired, as in the vertical pass.
        for (int k = 0; k <= half; k++)
        {
            var f = new Vector<uint>(taps[k]);
            nuint at = (nuint)(o + k), mirror = (nuint)(o + fw - 1 - k);
            if (k < half)
            {
                mu1 += f * (Vector.LoadUnsafe(ref s.Mu1[0], at) + Vector.LoadUnsafe(ref s.Mu1[0], mirror));
                mu2 += f * (Vector.LoadUnsafe(ref s.Mu2[0], at) + Vector.LoadUnsafe(ref s.Mu2[0], mirror));
                rh += f * (Vector.LoadUnsafe(ref s.RefHi[0], at) + Vector.LoadUnsafe(ref s.RefHi[0], mirror));
                rl += f * (Vector.LoadUnsafe(ref s.RefLo[0], at) + Vector.LoadUnsafe(ref s.RefLo[0], mirror));
                dh += f * (Vector.LoadUnsafe(ref s.DisHi[0], at) + Vector.LoadUnsafe(ref s.DisHi[0], mirror));
                dl += f * (Vector.LoadUnsafe(ref s.DisLo[0], at) + Vector.LoadUnsafe(ref s.DisLo[0], mirror));
                xh += f * (Vector.LoadUnsafe(ref s.RefDisHi[0], at) + Vector.LoadUnsafe(ref s.RefDisHi[0], mirror));
                xl += f * (Vector.LoadUnsafe(ref s.RefDisLo[0], at) + Vector.LoadUnsafe(ref s.RefDisLo[0], mirror));
            }
            else
            {
                mu1 += f * Vector.LoadUnsafe(ref s.Mu1[0], at);
                mu2 += f * Vector.LoadUnsafe(ref s.Mu2[0], at);
                rh += f * Vector.LoadUnsafe(ref s.RefHi[0], at);
                rl += f * Vector.LoadUnsafe(ref s.RefLo[0], at);
                dh += f * Vector.LoadUnsafe(ref s.DisHi[0], at);
                dl += f * Vector.LoadUnsafe(ref s.DisLo[0], at);
                xh += f * Vector.LoadUnsafe(ref s.RefDisHi[0], at);
                xl += f * Vector.LoadUnsafe(ref s.RefDisLo[0], at);
            }
        }
        var round = new Vector<uint>(32768);
        return (mu1, mu2, rh + Vector.ShiftRightLogical(rl + round, 16), dh + Vector.ShiftRightLogical(dl + round, 16), xh + Vector.ShiftRightLogical(xl + round, 16));
    }

    /// <summary>
    /// One pixel of vif_statistic from its filtered means and (rounded) filtered second moments:
    /// sigmas in Q16, log terms from the table, in libvmaf's order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Accumulate(uint mu1, uint mu2, uint xxFilt, uint yyFilt, uint xyFilt, double gainLimit,
        ref long numLog, ref long denLog, ref long numNonLog, ref long denNonLog) =>
        Accumulate(mu1, Sigma1(mu1, xxFilt), mu2, yyFilt, xyFilt, true, gainLimit, ref numLog, ref denLog, ref numNonLog, ref denNonLog);

    /// <summary>The reference's variance in Q16: its filtered square less mu1^2 (rounded by 32 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Sigma1(uint mu1, uint xxFilt) => (int)(xxFilt - (uint)(((ulong)mu1 * mu1 + 2147483648ul) >> 32));

    /// <summary>
    /// The same given the reference's variance; <paramref name="withDenominator"/> false leaves out
    /// the denominator's log term, which reads only the reference (a sharing stream adds its sum).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Accumulate(uint mu1, int sigma1Sq, uint mu2, uint yyFilt, uint xyFilt, bool withDenominator, double gainLimit,
        ref long numLog, ref long denLog, ref long numNonLog, ref long denNonLog)
    {
        uint mu2Sq = (uint)(((ulong)mu2 * mu2 + 2147483648ul) >> 32);
        uint mu1Mu2 = (uint)(((ulong)mu1 * mu2 + 2147483648ul) >> 32);
        int sigma2Sq = (int)(yyFilt - mu2Sq);
        int sigma12 = (int)(xyFilt - mu1Mu2);
        sigma2Sq = Math.Max(sigma2Sq, 0);
        if (sigma1Sq >= SigmaNsq)
        {
            // log2(1 + sigma1^2/2) = log2(2*65536 + sigma1_sq) - 17, in Q11.
            if (withDenominator) denLog += Log2_32((uint)(SigmaNsq + sigma1Sq)) - 2048 * 17;
            if (sigma12 > 0 && sigma2Sq > 0)
            {
                const double eps = 65536 * 1.0e-10;
                double g = sigma12 / (sigma1Sq + eps);
                int svSq = (int)(sigma2Sq - g * sigma12);
                svSq = Math.Max(svSq, 0);
                g = g < gainLimit ? g : gainLimit;
                uint numer1 = (uint)(svSq + SigmaNsq);
                long numer1Tmp = (long)(g * g * sigma1Sq) + numer1;
                numLog += Log2_64((ulong)numer1Tmp) - Log2_64(numer1);
            }
        }
        else
        {
            numNonLog += sigma2Sq;
            denNonLog++;
        }
    }

    private static int Log2_32(uint v)
    {
        int k = 16 - System.Numerics.BitOperations.LeadingZeroCount(v);
        return Log2Table[v >> k] + 2048 * k;
    }

    private static int Log2_64(ulong v)
    {
        int k = 48 - System.Numerics.BitOperations.LeadingZeroCount(v);
        return Log2Table[v >> k] + 2048 * k;
    }

    /// <summary>
    /// The low-pass of the next scale (its own taps), evaluated only at the even rows and columns
    /// the 2x decimation keeps: libvmaf filters every sample, then keeps these.
    /// </summary>
    /// <param name="scale">The scale being made: its taps are the previous scale's low-pass.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot kernel: fully optimised from the first frame
    private void Subsample(ushort[] r, ushort[] d, int w, int h, int scale, int bpc, ushort[] outRef, ushort[] outDis)
    {
        var taps = Taps[scale];
        int fw = taps.Length, half = fw / 2;
        int shiftVp = scale == 1 ? bpc : 16;
        uint addVp = scale == 1 ? 1u << (bpc - 1) : 32768;
        var s = _scratch;
        Span<int> rows = stackalloc int[fw];
        int ow = w / 2;
        bool wide = s.Decimate is not null && Avx512Words.Fits(taps);
        for (int oi = 0; oi < h / 2; oi++)
        {
            int i = 2 * oi;
            for (int k = 0; k < fw; k++) rows[k] = Mirror.Index(i - half + k, h) * w;
            if (wide)
            {
                VifDecimateAvx512.Row(taps, r, d, rows, w, shiftVp, addVp, s.Decimate!, outRef, outDis, oi * ow);
                continue;
            }
            int j0 = 0;
            if (IntegerSimd.Vector)
            {
                var add = new Vector<uint>(addVp);
                for (; j0 + Vector<ushort>.Count <= w; j0 += Vector<ushort>.Count)
                    for (int part = 0; part < 2; part++)
                    {
                        bool upper = part == 1;
                        Vector<uint> ar = default, ad = default;
                        for (int k = 0; k < fw; k++)
                        {
                            var (pr, pd) = Samples(r, d, rows[k] + j0, upper);
                            var f = new Vector<uint>(taps[k]);
                            ar += f * pr;
                            ad += f * pd;
                        }
                        int o0 = Pad + j0 + (upper ? Vector<uint>.Count : 0);
                        Vector.ShiftRightLogical(ar + add, shiftVp).StoreUnsafe(ref s.Mu1[0], (nuint)o0);
                        Vector.ShiftRightLogical(ad + add, shiftVp).StoreUnsafe(ref s.Mu2[0], (nuint)o0);
                    }
            }
            for (int j = j0; j < w; j++)
            {
                uint ar = 0, ad = 0;
                for (int k = 0; k < fw; k++)
                {
                    ar += taps[k] * (uint)r[rows[k] + j];
                    ad += taps[k] * (uint)d[rows[k] + j];
                }
                s.Mu1[Pad + j] = (ar + addVp) >> shiftVp;
                s.Mu2[Pad + j] = (ad + addVp) >> shiftVp;
            }
            PadRow(s.Mu1, w, half);
            PadRow(s.Mu2, w, half);
            int o = oi * ow;
            for (int oj = DecimateVector(taps, s.Mu1, s.Mu2, ow, outRef, outDis, o); oj < ow; oj++)
            {
                int c = Pad + 2 * oj - half;
                uint ar = 0, ad = 0;
                for (int k = 0; k < fw; k++)
                {
                    ar += taps[k] * s.Mu1[c + k];
                    ad += taps[k] * s.Mu2[c + k];
                }
                outRef[o + oj] = (ushort)((ar + 32768) >> 16);
                outDis[o + oj] = (ushort)((ad + 32768) >> 16);
            }
        }
    }

    /// <summary>
    /// The horizontal low-pass at the kept (even) columns, sixteen outputs at a time. A 64-bit load
    /// of the padded row at 2 oj - half + k holds the samples of taps k and k+1 of output oj in its
    /// two halves, so each load serves two taps. Sums are taken modulo 2^32, as the scalar form's
    /// uint, and rounded the same way. Returns the first output left.
    /// </summary>
    private static int DecimateVector(ushort[] taps, uint[] mu1, uint[] mu2, int ow, ushort[] outRef, ushort[] outDis, int o)
    {
        int oj = 0;
        if (!IntegerSimd.Vector) return oj;
        int lanes = Vector<ulong>.Count, step = 4 * lanes, half = taps.Length / 2;
        for (; oj + step <= ow; oj += step)
        {
            int c = Pad + 2 * oj - half;
            Rounded(taps, mu1, c, lanes).StoreUnsafe(ref outRef[0], (nuint)(o + oj));
            Rounded(taps, mu2, c, lanes).StoreUnsafe(ref outDis[0], (nuint)(o + oj));
        }
        return oj;

        static Vector<ushort> Rounded(ushort[] taps, uint[] row, int c, int lanes)
        {
            var round = new Vector<uint>(32768);
            var a = Vector.Narrow(Filtered(taps, row, c), Filtered(taps, row, c + 2 * lanes)) + round;
            var b = Vector.Narrow(Filtered(taps, row, c + 4 * lanes), Filtered(taps, row, c + 6 * lanes)) + round;
            return Vector.Narrow(Vector.ShiftRightLogical(a, 16), Vector.ShiftRightLogical(b, 16));
        }

        static Vector<ulong> Filtered(ushort[] taps, uint[] row, int c)
        {
            var acc = Vector<ulong>.Zero;
            var low = new Vector<ulong>(0xFFFFFFFFul);
            for (int k = 0; k < taps.Length; k += 2)
            {
                var pair = Vector.LoadUnsafe(ref Unsafe.As<uint, ulong>(ref row[c + k]));
                acc += (pair & low) * new Vector<ulong>(taps[k]);
                if (k + 1 < taps.Length) acc += Vector.ShiftRightLogical(pair, 32) * new Vector<ulong>(taps[k + 1]);
            }
            return acc;
        }
    }

    private static void PadRow(uint[] row, int w, int half)
    {
        for (int f = 1; f <= half; f++)
        {
            row[Pad - f] = row[Pad + f];
            row[Pad + w - 1 + f] = row[Pad + w - 1 - f];
        }
    }

    /// <summary>
    /// The row buffers, padded by 8 on each side: the vertical pass's means and its second
    /// moments (uint32 as libvmaf keeps them), each moment stored as high and low 16 bits.
    /// </summary>
    private sealed class RowScratch(int width)
    {
        public readonly uint[] Mu1 = new uint[width + 2 * Pad], Mu2 = new uint[width + 2 * Pad];
        public readonly uint[] RefHi = new uint[width + 2 * Pad], RefLo = new uint[width + 2 * Pad];
        public readonly uint[] DisHi = new uint[width + 2 * Pad], DisLo = new uint[width + 2 * Pad];
        public readonly uint[] RefDisHi = new uint[width + 2 * Pad], RefDisLo = new uint[width + 2 * Pad];

        private uint[][]? _all;

        /// <summary>The 16-bit rows of the AVX-512 statistic (scale 0 of 8-bit pictures, scales 1 and 2), where the CPU has it.</summary>
        public readonly VifRowAvx512.Rows? Wide = VifRowAvx512.IsSupported ? new VifRowAvx512.Rows(width) : null;

        /// <summary>The 16-bit rows of the AVX-512 decimation between scales, where the CPU has it.</summary>
        public readonly VifDecimateAvx512.Rows? Decimate = VifDecimateAvx512.IsSupported && IntegerSimd.Vector ? new VifDecimateAvx512.Rows(width) : null;

        public uint Ref(int i) => RefHi[i] << 16 | RefLo[i];
        public uint Dis(int i) => DisHi[i] << 16 | DisLo[i];
        public uint RefDis(int i) => RefDisHi[i] << 16 | RefDisLo[i];

        public void SetMoments(int i, uint rr, uint dd, uint rd)
        {
            (RefHi[i], RefLo[i]) = (rr >> 16, rr & 0xFFFF);
            (DisHi[i], DisLo[i]) = (dd >> 16, dd & 0xFFFF);
            (RefDisHi[i], RefDisLo[i]) = (rd >> 16, rd & 0xFFFF);
        }

        public void SetMoments(int i, Vector<uint> rr, Vector<uint> dd, Vector<uint> rd)
        {
            var low = new Vector<uint>(0xFFFF);
            Vector.ShiftRightLogical(rr, 16).StoreUnsafe(ref RefHi[0], (nuint)i);
            (rr & low).StoreUnsafe(ref RefLo[0], (nuint)i);
            Vector.ShiftRightLogical(dd, 16).StoreUnsafe(ref DisHi[0], (nuint)i);
            (dd & low).StoreUnsafe(ref DisLo[0], (nuint)i);
            Vector.ShiftRightLogical(rd, 16).StoreUnsafe(ref RefDisHi[0], (nuint)i);
            (rd & low).StoreUnsafe(ref RefDisLo[0], (nuint)i);
        }

        /// <summary>Reflect-101 padding of every row buffer.</summary>
        public void PadAll(int w, int half)
        {
            _all ??= [Mu1, Mu2, RefHi, RefLo, DisHi, DisLo, RefDisHi, RefDisLo];
            foreach (var row in _all) PadRow(row, w, half);
        }
    }
}
