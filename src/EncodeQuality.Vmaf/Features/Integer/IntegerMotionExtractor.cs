using System.Numerics;
using System.Runtime.CompilerServices;

namespace EncodeQuality.Vmaf.Features.Integer;

/// <summary>
/// Temporal information of the reference in libvmaf 3's fixed-point arithmetic
/// (libvmaf/src/feature/integer_motion.c): the difference of consecutive reference pictures is
/// blurred with the Q16 5-tap Gaussian (vertical pass rounded by the bit depth, horizontal by 16,
/// reflect-101 borders) and its absolute values summed; motion(i) = SAD / 256 / (w*h), 0 for the
/// first frame, clipped to motion_max_val. motion2(i) = min(motion(i), motion(i+1)) (the last
/// frame keeps its own), and motion3 is motion2 blended and clipped (frame 0 takes frame 1's
/// motion), so frame i is final once frame i+1 is seen. m(i) reads the previous reference where
/// the frames in flight keep it, on any worker; the series runs in display order (its temporal
/// step). Every frame is used even when subsampling, so scored frames do not depend on the step.
/// motion(i) itself is written under libvmaf's own name for it,
/// VMAF_integer_feature_motion_sad_score (it has no alias).
/// </summary>
internal sealed class IntegerMotionExtractor : IFeatureExtractor
{
    /// <summary>The options it takes, as libvmaf declares them.</summary>
    public static readonly OptionSpec[] OptionSpecs =
    [
        new("motion_force_zero", "force_0", 0, IsBool: true),
        new("motion_blend_factor", "mbf", 1.0),
        new("motion_blend_offset", "mbo", 40.0),
        new("motion_fps_weight", "mfw", 1.0),
        new("motion_max_val", "mmxv", 10000.0),
        new("motion_five_frame_window", "mffw", 0, IsBool: true),
        new("motion_moving_average", "mma", 0, IsBool: true),
    ];

    public static readonly FeatureExtractors.Entry Entry = new("integer_motion", false,
        ["VMAF_integer_feature_motion2_score", "VMAF_integer_feature_motion3_score"],
        OptionSpecs,
        (c, o) => o.Flag("motion_force_zero") || o.Flag("motion_five_frame_window")
            ? throw FeatureExtractors.Unsupported("motion_force_zero and motion_five_frame_window are")
            : new IntegerMotionExtractor(c.Width, c.Height, new IntegerMotionExtractor.Options(
                o["motion_max_val"], o["motion_fps_weight"], o["motion_blend_factor"], o["motion_blend_offset"],
                o.Flag("motion_moving_average")), o.Suffix, c.Shared("integer_motion", () => new IntegerMotionExtractor.SharedSad())),
        FeatureExtractors.IntegerName,
        (w, h, _) => 4L * (w + 4) + 5 * 4L * w + 5 * 2L * w + 2 * 2L * (w + 36), // the blurred row; the ring of 5 difference rows; both again in 16 bits for AVX-512
        SharedPerFrame: (_, _) => 32, SmallShare: true, Temporal: true); // one frame's SAD (motion reads only the reference), in a deep ring

    // libvmaf integer_motion.h: the 5-tap Gaussian in Q16.
    private static readonly int[] Taps = [3571, 16004, 26386, 16004, 3571];

    public sealed record Options(double MaxVal = 10000.0, double FpsWeight = 1.0, double BlendFactor = 1.0,
        double BlendOffset = 40.0, bool MovingAverage = false);

    private readonly Options _o;
    private readonly string _sad, _motion2, _motion3;
    private readonly int _width, _height;
    private readonly int[] _row;
    private readonly int[] _diff; // a ring of 5 rows of previous - current: each row's difference is taken once, not once per tap
    private readonly MotionBlurAvx512.Rows? _wide; // the same in 16-bit rows, where the CPU has AVX-512BW (samples of up to 12 bits)
    private readonly SharedFrames<SharedSad>? _shared;

    /// <summary>One frame's SAD against the previous reference, which reads only the reference: streams scored against it share it.</summary>
    public sealed class SharedSad
    {
        public long Sad;
    }

    public IntegerMotionExtractor(int width, int height, Options options, string nameSuffix, SharedFrames<SharedSad>? shared = null)
    {
        _shared = shared;
        _o = options;
        _width = width;
        _height = height;
        _sad = "VMAF_integer_feature_motion_sad_score" + nameSuffix;
        _motion2 = "integer_motion2" + nameSuffix;
        _motion3 = "integer_motion3" + nameSuffix;
        _row = new int[width + 4];
        _diff = new int[5 * width];
        if (MotionBlurAvx512.IsSupported && IntegerSimd.Vector) _wide = new MotionBlurAvx512.Rows(width);
    }

    public IReadOnlyList<string> Features => [_sad, _motion2, _motion3];

    /// <summary>m(index) against the previous reference, written for every frame: the temporal step reads it.</summary>
    public void Extract(long index, FramePair frame, bool score, FeatureBoard board)
    {
        double motion = 0;
        if (frame.Previous is { } previous)
        {
            var work = _shared?.Begin(index) ?? default;
            bool completed = false;
            long sad;
            try
            {
                sad = work.State is { } taken && !work.Lead ? taken.Sad : Sad(previous.Reference, frame.Reference, frame.BitDepth);
                if (work.Lead) work.State!.Sad = sad;
                completed = true;
            }
            finally { _shared?.End(index, work, completed); }
            motion = Math.Min((double)sad / 256.0 / ((uint)_width * (uint)_height) * _o.FpsWeight, _o.MaxVal);
        }
        board.Set(index, _sad, motion);
    }

    /// <summary>motion2 and motion3 from the m(i) of consecutive frames, in display order.</summary>
    public ITemporalStep CreateTemporalStep()
    {
        string sad = _sad;
        return new MotionSeriesStep(new MotionSeries(_o.MaxVal, _o.BlendFactor, _o.BlendOffset, _o.MovingAverage), _motion2, _motion3,
            (index, _, board) => board.Get(index, sad));
    }

    /// <summary>Sum of |blur(previous - current)| over the picture, libvmaf's motion_score_pipeline.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot kernel: fully optimised from the first frame
    private long Sad(ushort[] prev, ushort[] cur, int bpc)
    {
        int w = _width, h = _height;
        int yRound = 1 << (bpc - 1);
        var padded = _row; // the blurred row at offset 2, reflect-101 padded by 2
        long sad = 0;
        int differenced = 0; // the next row whose difference goes into the ring
        if (_wide is not null && MotionBlurAvx512.Fits(bpc))
        {
            for (int i = 0; i < h; i++)
            {
                for (int last = Math.Min(i + 2, h - 1); differenced <= last; differenced++)
                    MotionBlurAvx512.Difference(prev, cur, differenced * w, RingRow(differenced, w), w, _wide.Diff);
                sad += MotionBlurAvx512.Row(_wide, RingRow(Mirror(i - 2, h), w), RingRow(Mirror(i - 1, h), w), RingRow(i, w),
                    RingRow(Mirror(i + 1, h), w), RingRow(Mirror(i + 2, h), w), w, bpc);
            }
            return sad;
        }
        for (int i = 0; i < h; i++)
        {
            // Reflect-101 keeps every tap's row within i-2 .. i+2, so a ring of 5 holds them all.
            for (int last = Math.Min(i + 2, h - 1); differenced <= last; differenced++)
                Difference(prev, cur, differenced, w);
            int r0 = RingRow(Mirror(i - 2, h), w), r1 = RingRow(Mirror(i - 1, h), w), r2 = RingRow(i, w);
            int r3 = RingRow(Mirror(i + 1, h), w), r4 = RingRow(Mirror(i + 2, h), w);
            int any = 0;
            // 32-bit lanes hold the vertical sums for samples of up to 12 bits (4095 * 2^16 < 2^31).
            int j = bpc <= 12 ? VerticalVector(_diff, r0, r1, r2, r3, r4, w, bpc, yRound, padded, ref any) : 0;
            for (; j < w; j++)
            {
                long accum = (long)Taps[0] * _diff[r0 + j] + (long)Taps[1] * _diff[r1 + j] + (long)Taps[2] * _diff[r2 + j]
                           + (long)Taps[3] * _diff[r3 + j] + (long)Taps[4] * _diff[r4 + j];
                int v = (int)((accum + yRound) >> bpc);
                padded[2 + j] = v;
                any |= v;
            }
            // libvmaf skips rows whose blurred difference is all zero; their SAD is zero anyway.
            if (any == 0) continue;
            padded[1] = padded[3];
            padded[0] = padded[4];
            padded[w + 2] = padded[w];
            padded[w + 3] = padded[w - 1];
            sad += HorizontalSad(padded, w);
        }
        return sad;
    }

    private static int RingRow(int row, int w) => row % 5 * w;

    /// <summary>Row r of previous - current into its ring row.</summary>
    private void Difference(ushort[] prev, ushort[] cur, int r, int w)
    {
        int from = r * w, to = RingRow(r, w), j = 0;
        if (IntegerSimd.Vector)
            for (; j + Vector<ushort>.Count <= w; j += Vector<ushort>.Count)
            {
                Vector.Widen(Vector.LoadUnsafe(ref prev[0], (nuint)(from + j)), out var pl, out var ph);
                Vector.Widen(Vector.LoadUnsafe(ref cur[0], (nuint)(from + j)), out var cl, out var ch);
                (Vector.AsVectorInt32(pl) - Vector.AsVectorInt32(cl)).StoreUnsafe(ref _diff[0], (nuint)(to + j));
                (Vector.AsVectorInt32(ph) - Vector.AsVectorInt32(ch)).StoreUnsafe(ref _diff[0], (nuint)(to + j + Vector<int>.Count));
            }
        for (; j < w; j++) _diff[to + j] = prev[from + j] - cur[from + j];
    }

    /// <summary>
    /// The vertical blur of the difference rows, several columns at a time; returns the first
    /// column left. The taps are symmetric, so the outer and inner pairs of rows are added before
    /// their multiply (the same integers: nothing here nears 2^31).
    /// </summary>
    private static int VerticalVector(int[] diff, int r0, int r1, int r2, int r3, int r4, int w, int bpc, int yRound,
        int[] padded, ref int any)
    {
        int j = 0;
        if (!IntegerSimd.Vector) return j;
        var round = new Vector<int>(yRound);
        var anyV = Vector<int>.Zero;
        Vector<int> t0 = new(Taps[0]), t1 = new(Taps[1]), t2 = new(Taps[2]);
        ref int d = ref diff[0];
        for (; j + Vector<int>.Count <= w; j += Vector<int>.Count)
        {
            nuint at = (nuint)j;
            var sum = round + t0 * (Vector.LoadUnsafe(ref d, (nuint)r0 + at) + Vector.LoadUnsafe(ref d, (nuint)r4 + at))
                            + t1 * (Vector.LoadUnsafe(ref d, (nuint)r1 + at) + Vector.LoadUnsafe(ref d, (nuint)r3 + at))
                            + t2 * Vector.LoadUnsafe(ref d, (nuint)r2 + at);
            var v = Vector.ShiftRightArithmetic(sum, bpc);
            v.StoreUnsafe(ref padded[0], (nuint)(2 + j));
            anyV |= v;
        }
        if (anyV != Vector<int>.Zero) any = 1;
        return j;
    }

    /// <summary>
    /// Sum over a row of |(horizontal blur + 2^15) >> 16|. A blurred difference y (below 2^17 in
    /// magnitude) times a tap can pass 2^31 when summed, so in 32-bit lanes y is split as
    /// 256 (y >> 8) + (y &amp; 255): with A and B the two parts' blurs, the exact result is
    /// (A + ((B + 2^15) >> 8)) >> 8, and neither sum passes 2^25.
    /// </summary>
    private static long HorizontalSad(int[] padded, int w)
    {
        long rowSad = 0;
        int j = 0;
        if (IntegerSimd.Vector)
        {
            var acc = Vector<int>.Zero; // at most 2^17 per lane per column: a lane holds w / lanes columns of any real width
            var round = new Vector<int>(32768);
            var low = new Vector<int>(255);
            Vector<int> t0 = new(Taps[0]), t1 = new(Taps[1]), t2 = new(Taps[2]);
            ref int y = ref padded[0];
            for (; j + Vector<int>.Count <= w; j += Vector<int>.Count)
            {
                // Symmetric taps: the outer and inner pairs are added before their multiply.
                nuint at = (nuint)j;
                Vector<int> y0 = Vector.LoadUnsafe(ref y, at), y1 = Vector.LoadUnsafe(ref y, at + 1), y2 = Vector.LoadUnsafe(ref y, at + 2);
                Vector<int> y3 = Vector.LoadUnsafe(ref y, at + 3), y4 = Vector.LoadUnsafe(ref y, at + 4);
                var a = t0 * (Vector.ShiftRightArithmetic(y0, 8) + Vector.ShiftRightArithmetic(y4, 8))
                      + t1 * (Vector.ShiftRightArithmetic(y1, 8) + Vector.ShiftRightArithmetic(y3, 8))
                      + t2 * Vector.ShiftRightArithmetic(y2, 8);
                var b = round + t0 * ((y0 & low) + (y4 & low)) + t1 * ((y1 & low) + (y3 & low)) + t2 * (y2 & low);
                acc += Vector.Abs(Vector.ShiftRightArithmetic(a + Vector.ShiftRightArithmetic(b, 8), 8));
            }
            rowSad = Vector.Sum(Vector.WidenLower(acc)) + Vector.Sum(Vector.WidenUpper(acc));
        }
        for (; j < w; j++)
        {
            long accum = (long)Taps[0] * padded[j] + (long)Taps[1] * padded[j + 1] + (long)Taps[2] * padded[j + 2]
                       + (long)Taps[3] * padded[j + 3] + (long)Taps[4] * padded[j + 4];
            rowSad += Math.Abs((int)((accum + 32768) >> 16));
        }
        return rowSad;
    }

    private static int Mirror(int i, int n) => EncodeQuality.Vmaf.Features.Mirror.Index(i, n);
}
