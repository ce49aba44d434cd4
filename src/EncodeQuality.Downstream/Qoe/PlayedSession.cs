namespace EncodeQuality.Downstream.Qoe;

/// <summary>A played segment with what it showed: its measured VMAF, the top rung's over the same media time, and its size.</summary>
public sealed record PlayedStretch(PlayedSegment Segment, double Vmaf, double TopVmaf, int Width, int Height);

/// <summary>A session joined to the quality the run measured for each segment it played.</summary>
public sealed record PlayedSession(Session Session, IReadOnlyList<PlayedStretch> Stretches)
{
    public static PlayedSession Of(Session session, IPlayedQuality quality)
    {
        var stretches = session.Segments.Select(s =>
        {
            var (w, h) = quality.Size(s.Rendition);
            return new PlayedStretch(s, quality.Vmaf(s.Rendition, s.Start, s.Seconds), quality.Vmaf(quality.TopRung, s.Start, s.Seconds), w, h);
        }).ToList();
        return new PlayedSession(session, stretches);
    }

    /// <summary>VMAF weighted by the time each segment was on screen; NaN when nothing played.</summary>
    public double PlayedVmaf => TimeWeighted(s => s.Vmaf);

    /// <summary>What the top rung would have shown over the same media time.</summary>
    public double TopRungVmaf => TimeWeighted(s => s.TopVmaf);

    private double TimeWeighted(Func<PlayedStretch, double> value) => TimeWeighted(Stretches, value);

    /// <summary>A value over stretches of play, each weighted by its seconds on screen; NaN when there are none.</summary>
    public static double TimeWeighted(IReadOnlyCollection<PlayedStretch> stretches, Func<PlayedStretch, double> value)
    {
        double seconds = stretches.Sum(s => s.Segment.Seconds);
        return seconds > 0 ? stretches.Sum(s => value(s) * s.Segment.Seconds) / seconds : double.NaN;
    }
}
