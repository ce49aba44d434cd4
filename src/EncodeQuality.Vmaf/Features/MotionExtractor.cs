namespace EncodeQuality.Vmaf.Features;

/// <summary>
/// Temporal information of the reference as libvmaf 3's float motion (float_motion.c): each
/// reference picture is blurred with a 5-tap Gaussian (FILTER_5_s, reflect-101 borders); motion(i)
/// is the mean absolute difference between blurred pictures i-1 and i, summed in float per row
/// (0 for frame 0); motion2 and motion3 follow from it (<see cref="MotionSeries"/>). Each frame's
/// blur is made once, on any worker, and kept with the frame; the difference and the series run
/// in display order. Every frame is blurred even when subsampling, so scored frames do not depend on the step.
/// </summary>
internal sealed class MotionExtractor : IFeatureExtractor
{
    public static readonly FeatureExtractors.Entry Entry = new("float_motion", true,
        ["VMAF_feature_motion2_score", "VMAF_feature_motion3_score", "VMAF_feature_motion_score"],
        [],
        (c, o) => new MotionExtractor(c.Width, c.Height),
        FeatureExtractors.FloatName,
        (w, h, _) => 4L * w, KeepsBlurredReference: true, Temporal: true); // a row; each frame's blur is the frame's

    private static readonly float[] Taps = [0.054488685f, 0.244201342f, 0.402619947f, 0.244201342f, 0.054488685f];
    private static readonly string[] Names = ["motion2", "motion3", "motion"];

    private readonly float[] _row;

    public MotionExtractor(int width, int height)
    {
        _row = new float[width];
    }

    public IReadOnlyList<string> Features => Names;

    /// <summary>Blurs the reference into the frame, on any worker; the temporal step compares consecutive blurs.</summary>
    public void Extract(long index, FramePair frame, bool score, FeatureBoard board)
    {
        var reference = frame.ReferenceFloat!;
        SeparableFilter.Apply(Taps, SeparableFilter.Input.Plain, reference.Data, null, frame.BlurredReference!, reference.Width, reference.Height, _row);
    }

    /// <summary>m(i) from the blurs of frames i-1 and i, then motion2 and motion3, in display order.</summary>
    public ITemporalStep CreateTemporalStep() => new MotionSeriesStep(new MotionSeries(10000.0, 1.0, 40.0, false), "motion2", "motion3",
        (_, frame, _) => frame.Previous is { } previous
            ? MeanAbsoluteDifference(previous.BlurredReference!, frame.BlurredReference!, frame.Width, frame.Height)
            : 0,
        "motion");

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
