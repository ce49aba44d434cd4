namespace EncodeQuality.Model;

/// <summary>
/// Where a rendition's segments start. With <see cref="Seconds"/> every segment is that long (its
/// first frame the one nearest each multiple of it) and the encoder is told to make each first
/// frame an IDR, on top of its own keyint and scene cuts. Without it (<c>--segment-duration keyint</c>)
/// a segment is the encoder's own keyint, nothing is forced, and whether the encoder's keyframes fell
/// there (a scene cut resets the count) is what the run reports.
/// </summary>
public sealed record SegmentPlan(double? Seconds)
{
    /// <param name="what">What the text came from, for the refusal: an option or a job field.</param>
    public static SegmentPlan Parse(string text, string what = "--segment-duration") =>
        text == "keyint" ? new SegmentPlan((double?)null)
        : double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0 && double.IsFinite(s)
            ? new SegmentPlan(s)
            : throw new InputException($"{what} {text}: give seconds above 0, or keyint");

    public bool ForcesKeyframes => Seconds is not null;

    /// <summary>
    /// The first frame of segment k at fps num/den (keyint frames a segment without Seconds; an
    /// encoder that reports no keyint makes the whole rendition one segment).
    /// </summary>
    public long Start(long k, int fpsNum, int fpsDen, int keyint) =>
        Seconds is { } s ? (long)Math.Round(k * s * fpsNum / fpsDen, MidpointRounding.AwayFromZero)
        : keyint > 0 ? k * (long)keyint : k == 0 ? 0 : long.MaxValue;

    /// <summary>The first frame of every segment of a rendition of the given frame count.</summary>
    public IReadOnlyList<long> Starts(long frames, int fpsNum, int fpsDen, int keyint)
    {
        var starts = new List<long>();
        for (long k = 0; ; k++)
        {
            long f = Start(k, fpsNum, fpsDen, keyint);
            if (f >= frames) return starts;
            if (starts.Count == 0 || f > starts[^1]) starts.Add(f);
        }
    }
}
