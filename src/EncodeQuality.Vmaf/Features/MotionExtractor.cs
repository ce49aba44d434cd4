namespace EncodeQuality.Vmaf.Features;

/// <summary>
/// Temporal information of the reference as libvmaf 3's float motion (float_motion.c): each
/// reference picture is blurred with a 5-tap Gaussian (FILTER_5_s, reflect-101 borders); motion(i)
/// is the mean absolute difference between blurred pictures i-1 and i, summed in float per row
/// (0 for frame 0); motion2 and motion3 follow from it (<see cref="MotionSeries"/>). Every frame
/// is blurred even when subsampling, so scored frames do not depend on the step.
/// </summary>
internal sealed class MotionExtractor : IFeatureExtractor
{
    private static readonly float[] Taps = [0.054488685f, 0.244201342f, 0.402619947f, 0.244201342f, 0.054488685f];
    private static readonly string[] Names = ["motion2", "motion3", "motion"];

    private float[] _previous, _current;
    private readonly float[] _row;
    private readonly MotionSeries _series = new(10000.0, 1.0, 40.0, false);
    private readonly Action<long, double, double> _complete;
    private FeatureBoard? _board;

    public MotionExtractor(int width, int height)
    {
        _previous = new float[width * height];
        _current = new float[width * height];
        _row = new float[width];
        _complete = (i, m2, m3) =>
        {
            _board!.Set(i, "motion2", m2);
            _board.Set(i, "motion3", m3);
        };
    }

    public IReadOnlyList<string> Features => Names;

    public void Extract(long index, FramePair frame, bool score, FeatureBoard board)
    {
        _board = board;
        var reference = frame.ReferenceFloat!;
        int w = reference.Width, h = reference.Height;
        SeparableFilter.Apply(Taps, SeparableFilter.Input.Plain, reference.Data, null, _current, w, h, _row);
        double motion = _series.Started ? MeanAbsoluteDifference(_previous, _current, w, h) : 0;
        _series.Add(index, motion, score, _complete);
        if (score) board.Set(index, "motion", motion);
        (_previous, _current) = (_current, _previous);
    }

    public void Flush(FeatureBoard board)
    {
        _board = board;
        _series.Flush(_complete);
    }

    /// <summary>vmaf_image_sad_c: per-row float sums, a float total, divided in float.</summary>
    internal static float MeanAbsoluteDifference(float[] a, float[] b, int w, int h)
    {
        float total = 0;
        for (int y = 0; y < h; y++)
        {
            float row = 0;
            int o = y * w;
            for (int x = 0; x < w; x++) row += MathF.Abs(a[o + x] - b[o + x]);
            total += row;
        }
        return total / (w * h);
    }
}
