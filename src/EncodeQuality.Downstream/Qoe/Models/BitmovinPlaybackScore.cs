namespace EncodeQuality.Downstream.Qoe.Models;

/// <summary>
/// One session's Bitmovin figures. Points is the session's success-factor points, null when the
/// session is not rated or its outcome's points are not known here (see <see cref="BitmovinPlaybackScore.Points"/>).
/// </summary>
public sealed record BitmovinSession(double? Startup, double? Smoothness, double? Points, string? Unrated);

/// <summary>The figures over many sessions: startup and smoothness averaged per session, the success factor over all.</summary>
public sealed record BitmovinAggregate(double? Startup, double? Smoothness, double? SuccessFactor, double? Score, string? Unrated);

/// <summary>
/// Bitmovin's Playback Score (developer.bitmovin.com, "The Bitmovin Playback Score"):
/// score = mean(startup, smoothness) × success factor, where
/// - startup = 100 · (1 − (t − 300) / 19700)², t in ms, 100 below 300 ms and 0 from 20 s;
/// - smoothness = PP³ · e^(−0.2 · events) · 100, PP the played share of played + buffering time;
/// - success factor = (mean points / 100)² over the sessions.
/// </summary>
public static class BitmovinPlaybackScore
{
    public const string Label = "Bitmovin Playback Score";

    public static double Startup(double ms) => ms <= 300 ? 100 : ms >= 20000 ? 0 : 100 * Math.Pow(1 - (ms - 300) / 19700, 2);

    public static double Smoothness(double played, double buffered, int events) =>
        Math.Pow(played / (played + buffered), 3) * Math.Exp(-0.2 * events) * 100;

    public static double SuccessFactor(IEnumerable<double> points)
    {
        var list = points.ToList();
        return Math.Pow(list.Average() / 100, 2);
    }

    /// <summary>
    /// A session's success-factor points. Known here: a session that played without an error earns
    /// 100 and one that failed before its video started earns 0 (the page's worked example: 95 of the
    /// first and 5 of the second give 0.9025); a viewer who left within 1000 ms is not rated. The page's
    /// points for an exit before video start and for a failure during playback could not be read here,
    /// so such a session is reported as unrated with that reason rather than given a guessed value.
    /// </summary>
    public static (double? Points, string? Unrated) Points(Session s) => s switch
    {
        { Started: true, End: not SessionEnd.Failed } => (100, null),
        { Started: false, End: SessionEnd.Failed } => (0, null),
        { Started: false, WaitedMs: < 1000 } => (null, "left within 1000 ms: not rated"),
        { Started: false } => (null, "exit before video start: Bitmovin's points for it are not known here"),
        _ => (null, "failure during playback: Bitmovin's points for it are not known here"),
    };

    public static BitmovinSession Of(Session s)
    {
        var (points, unrated) = Points(s);
        if (!s.Started) return new BitmovinSession(null, null, points, unrated);
        return new BitmovinSession(Startup(s.StartupMs!.Value), Smoothness(s.PlayedSeconds, s.StallSeconds, s.StallCount), points, unrated);
    }

    public static BitmovinAggregate Aggregate(IReadOnlyList<Session> sessions)
    {
        var each = sessions.Select(Of).ToList();
        double? startup = Mean(each.Select(e => e.Startup)), smooth = Mean(each.Select(e => e.Smoothness));
        // A session excluded by rule (left within 1000 ms) does not count; one whose points are unknown leaves the factor unknown.
        string? unknown = each.Select(e => e.Unrated).FirstOrDefault(u => u is not null && !u.StartsWith("left within", StringComparison.Ordinal));
        var rated = each.Where(e => e.Points is not null).Select(e => e.Points!.Value).ToList();
        double? factor = unknown is null && rated.Count > 0 ? SuccessFactor(rated) : null;
        double? score = factor is not null && startup is not null && smooth is not null ? (startup + smooth) / 2 * factor : null;
        return new BitmovinAggregate(startup, smooth, factor, score, unknown);
    }

    private static double? Mean(IEnumerable<double?> values)
    {
        var list = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        return list.Count > 0 ? list.Average() : null;
    }
}
