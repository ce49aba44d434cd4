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
    // libvmaf integer_motion.h: the 5-tap Gaussian in Q16.
    private static readonly int[] Taps = [3571, 16004, 26386, 16004, 3571];

    public sealed record Options(double MaxVal = 10000.0, double FpsWeight = 1.0, double BlendFactor = 1.0,
        double BlendOffset = 40.0, bool MovingAverage = false);

    private readonly Options _o;
    private readonly string _sad, _motion2, _motion3;
    private readonly int _width, _height;
    private readonly int[] _row;

    public IntegerMotionExtractor(int width, int height, Options options, string nameSuffix)
    {
        _o = options;
        _width = width;
        _height = height;
        _sad = "VMAF_integer_feature_motion_sad_score" + nameSuffix;
        _motion2 = "integer_motion2" + nameSuffix;
        _motion3 = "integer_motion3" + nameSuffix;
        _row = new int[width + 4];
    }

    public IReadOnlyList<string> Features => [_sad, _motion2, _motion3];

    /// <summary>m(index) against the previous reference, written for every frame: the temporal step reads it.</summary>
    public void Extract(long index, FramePair frame, bool score, FeatureBoard board)
    {
        double motion = 0;
        if (frame.Previous is { } previous)
        {
            long sad = Sad(previous.Reference, frame.Reference, frame.BitDepth);
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
        for (int i = 0; i < h; i++)
        {
            int r0 = Mirror(i - 2, h) * w, r1 = Mirror(i - 1, h) * w, r2 = i * w, r3 = Mirror(i + 1, h) * w, r4 = Mirror(i + 2, h) * w;
            int any = 0;
            // 32-bit lanes hold the vertical sums for samples of up to 12 bits (4095 * 2^16 < 2^31).
            int j = bpc <= 12 ? VerticalVector(prev, cur, r0, r1, r2, r3, r4, w, bpc, yRound, padded, ref any) : 0;
            for (; j < w; j++)
            {
                long accum = (long)Taps[0] * (prev[r0 + j] - cur[r0 + j])
                           + (long)Taps[1] * (prev[r1 + j] - cur[r1 + j])
                           + (long)Taps[2] * (prev[r2 + j] - cur[r2 + j])
                           + (long)Taps[3] * (prev[r3 + j] - cur[r3 + j])
                           + (long)Taps[4] * (prev[r4 + j] - cur[r4 + j]);
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

    /// <summary>The vertical blur of the difference, several columns at a time; returns the first column left.</summary>
    private static int VerticalVector(ushort[] prev, ushort[] cur, int r0, int r1, int r2, int r3, int r4, int w, int bpc, int yRound,
        int[] padded, ref int any)
    {
        int j = 0;
        if (!IntegerSimd.Vector) return j;
        var round = new Vector<int>(yRound);
        var anyV = Vector<int>.Zero;
        int lanes = Vector<int>.Count;
        for (; j + Vector<ushort>.Count <= w; j += Vector<ushort>.Count)
        {
            Vector<int> lo = round, hi = round;
            ReadOnlySpan<int> rows = [r0, r1, r2, r3, r4];
            for (int k = 0; k < 5; k++)
            {
                Vector.Widen(Vector.LoadUnsafe(ref prev[0], (nuint)(rows[k] + j)), out var pl, out var ph);
                Vector.Widen(Vector.LoadUnsafe(ref cur[0], (nuint)(rows[k] + j)), out var cl, out var ch);
                var t = new Vector<int>(Taps[k]);
                lo += t * (Vector.AsVectorInt32(pl) - Vector.AsVectorInt32(cl));
                hi += t * (Vector.AsVectorInt32(ph) - Vector.AsVectorInt32(ch));
            }
            lo = Vector.ShiftRightArithmetic(lo, bpc);
            hi = Vector.ShiftRightArithmetic(hi, bpc);
            lo.StoreUnsafe(ref padded[0], (nuint)(2 + j));
            hi.StoreUnsafe(ref padded[0], (nuint)(2 + j + lanes));
            anyV |= lo | hi;
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
            for (; j + Vector<int>.Count <= w; j += Vector<int>.Count)
            {
                Vector<int> a = default, b = round;
                for (int k = 0; k < 5; k++)
                {
                    var y = Vector.LoadUnsafe(ref padded[0], (nuint)(j + k));
                    var t = new Vector<int>(Taps[k]);
                    a += t * Vector.ShiftRightArithmetic(y, 8);
                    b += t * (y & low);
                }
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
