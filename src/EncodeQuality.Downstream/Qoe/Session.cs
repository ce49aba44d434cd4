namespace EncodeQuality.Downstream.Qoe;

/// <summary>How a playback session ended.</summary>
public enum SessionEnd
{
    /// <summary>Played to the end of what the viewer asked for.</summary>
    Completed,
    /// <summary>The viewer left (before or after the video started).</summary>
    Exited,
    /// <summary>An error ended it (before or after the video started).</summary>
    Failed,
}

/// <summary>
/// One stretch of playback of one rendition: media time <see cref="Start"/> to Start + Seconds, after
/// <see cref="StallSeconds"/> of rebuffering (startup is not a stall; it is the session's own figure).
/// </summary>
public sealed record PlayedSegment(string Rendition, double Start, double Seconds, double StallSeconds);

/// <summary>
/// A viewer's session as a player reports it. <see cref="StartupMs"/> is the time from the play request
/// to the first frame, null when the video never started; <see cref="WaitedMs"/> is how long a viewer
/// whose video never started waited before the exit or the failure.
/// </summary>
public sealed record Session(string Id, double? StartupMs, double? WaitedMs, int PlayerWidth, int PlayerHeight,
    IReadOnlyList<PlayedSegment> Segments, SessionEnd End)
{
    public bool Started => StartupMs is not null && Segments.Count > 0;
    public double PlayedSeconds => Segments.Sum(s => s.Seconds);
    public double StallSeconds => Segments.Sum(s => s.StallSeconds);
    /// <summary>Rebuffering events: segments played after a stall.</summary>
    public int StallCount => Segments.Count(s => s.StallSeconds > 0);
}
