namespace EncodeQuality.Vmaf.Features;

/// <summary>
/// Temporal information of the reference (motion, motion2), as libvmaf's float motion: each
/// reference picture is blurred with a 5-tap Gaussian (libvmaf's FILTER_5_s, mirrored borders);
/// motion(i) is the mean absolute difference between blurred pictures i-1 and i (0 for frame 0),
/// and motion2(i) = min(motion(i), motion(i+1)), so frame i is final once frame i+1 is seen; the
/// last frame keeps motion(i). Every frame is blurred even when subsampling, so the scores of the
/// frames that are scored do not depend on the subsampling step.
/// </summary>
internal sealed class MotionExtractor : IFeatureExtractor
{
    private static readonly float[] Taps = [0.054488685f, 0.244201342f, 0.402619947f, 0.244201342f, 0.054488685f];
    private static readonly string[] Names = ["motion2", "motion"];

    private float[] _previous, _current;
    private readonly float[] _row;
    private long _lastIndex = -1;
    private double _lastMotion;
    private bool _lastScored;

    public MotionExtractor(int width, int height)
    {
        _previous = new float[width * height];
        _current = new float[width * height];
        _row = new float[width];
    }

    public IReadOnlyList<string> Features => Names;

    public void Extract(long index, FramePair frame, bool score, FeatureBoard board)
    {
        var reference = frame.ReferenceFloat!;
        int w = reference.Width, h = reference.Height;
        if (VifFilterBank.UseSimd && w >= System.Numerics.Vector<float>.Count)
            VifFilterBank.ApplyPlain(Taps, reference.Data, _current, w, h, _row);
        else
            SeparableFilter.Apply(Taps, SeparableFilter.Input.Plain, reference.Data, null, _current, w, h, _row);
        double motion = _lastIndex < 0 ? 0 : MeanAbsoluteDifference(_previous, _current, w, h);
        // The previous frame is now complete: motion2 = min(its motion, this motion).
        if (_lastIndex >= 0 && _lastScored)
            board.Set(_lastIndex, "motion2", _lastIndex == 0 ? 0 : Math.Min(_lastMotion, motion));
        if (score) board.Set(index, "motion", motion);
        (_previous, _current) = (_current, _previous);
        _lastIndex = index;
        _lastMotion = motion;
        _lastScored = score;
    }

    public void Flush(FeatureBoard board)
    {
        if (_lastIndex >= 0 && _lastScored) board.Set(_lastIndex, "motion2", _lastMotion);
    }

    internal static double MeanAbsoluteDifference(float[] a, float[] b, int w, int h)
    {
        double total = 0;
        int lanes = System.Numerics.Vector<float>.Count;
        bool simd = VifFilterBank.UseSimd;
        for (int y = 0; y < h; y++)
        {
            float row = 0;
            int o = y * w, x = 0;
            if (simd)
            {
                var acc = System.Numerics.Vector<float>.Zero;
                for (; x <= w - lanes; x += lanes)
                    acc += System.Numerics.Vector.Abs(System.Numerics.Vector.LoadUnsafe(ref a[0], (nuint)(o + x)) - System.Numerics.Vector.LoadUnsafe(ref b[0], (nuint)(o + x)));
                row = System.Numerics.Vector.Sum(acc);
            }
            for (; x < w; x++) row += MathF.Abs(a[o + x] - b[o + x]);
            total += row;
        }
        return total / ((double)w * h);
    }
}
