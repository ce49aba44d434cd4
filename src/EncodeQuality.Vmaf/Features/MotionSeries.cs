namespace EncodeQuality.Vmaf.Features;

/// <summary>
/// What libvmaf 3 derives from the per-frame motion m(i) (the reference's change from frame i-1,
/// 0 for frame 0), shared by the integer and float motion extractors: motion2(i) = min(m(i),
/// m(i+1)) (0 for frame 0, m(i) for the last frame) and motion3(i) = the blend of motion2(i),
/// clipped, where frame 0 takes the blend of m(1) (integer_motion.c flush, float_motion.c).
/// Frame i is complete when m(i+1) arrives or at the end.
/// </summary>
internal sealed class MotionSeries(double maxVal, double blendFactor, double blendOffset, bool movingAverage)
{
    private long _lastIndex = -1;
    private double _lastMotion, _frame0Stamp, _previousProcessed;
    private bool _lastScored;

    /// <summary>Adds m(index); completes the previous frame through <paramref name="complete"/>.</summary>
    public void Add(long index, double motion, bool scored, Action<long, double, double>? complete)
    {
        if (_lastIndex >= 0)
        {
            if (_lastIndex == 0) _frame0Stamp = Math.Min(Blend(motion), maxVal);
            Complete(_lastIndex == 0 ? 0 : Math.Min(_lastMotion, motion), complete);
        }
        _lastIndex = index;
        _lastMotion = motion;
        _lastScored = scored;
    }

    /// <summary>Completes the last frame: it keeps its own motion (a lone frame 0 has none).</summary>
    public void Flush(Action<long, double, double>? complete)
    {
        if (_lastIndex < 0) return;
        Complete(_lastIndex == 0 ? 0 : _lastMotion, complete);
        _lastIndex = -1;
    }

    private void Complete(double motion2, Action<long, double, double>? complete)
    {
        double motion3;
        if (_lastIndex == 0)
        {
            motion3 = _frame0Stamp;
            _previousProcessed = _frame0Stamp;
        }
        else
        {
            double processed = Math.Min(Blend(motion2), maxVal);
            motion3 = movingAverage ? (processed + _previousProcessed) / 2.0 : processed;
            _previousProcessed = processed;
        }
        if (_lastScored) complete?.Invoke(_lastIndex, motion2, motion3);
    }

    /// <summary>libvmaf motion_blend_tools.h.</summary>
    private double Blend(double m) => m * blendFactor + (1 - blendFactor) * Math.Min(blendOffset, m);
}

/// <summary>
/// The temporal step of both motion extractors: m(i) of each frame in display order (from
/// <paramref name="motion"/>), through the series, with motion2 and motion3 written under the
/// extractor's names; m(i) itself too under <paramref name="motionName"/> when given.
/// </summary>
internal sealed class MotionSeriesStep : ITemporalStep
{
    private readonly MotionSeries _series;
    private readonly Func<long, FramePair, FeatureBoard, double> _motion;
    private readonly string? _motionName;
    private readonly Action<long, double, double> _complete;
    private FeatureBoard? _board;

    public MotionSeriesStep(MotionSeries series, string motion2, string motion3, Func<long, FramePair, FeatureBoard, double> motion, string? motionName = null)
    {
        (_series, _motion, _motionName) = (series, motion, motionName);
        _complete = (i, m2, m3) =>
        {
            _board!.Set(i, motion2, m2);
            _board.Set(i, motion3, m3);
        };
    }

    public void Advance(long index, FramePair frame, bool score, FeatureBoard board)
    {
        _board = board;
        double motion = _motion(index, frame, board);
        _series.Add(index, motion, score, _complete);
        if (score && _motionName is not null) board.Set(index, _motionName, motion);
    }

    public void Flush(FeatureBoard board)
    {
        _board = board;
        _series.Flush(_complete);
    }
}
