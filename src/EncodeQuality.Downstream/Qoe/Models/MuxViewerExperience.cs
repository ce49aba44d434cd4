namespace EncodeQuality.Downstream.Qoe.Models;

/// <summary>Mux's component scores for one view, 0-100; null where Mux gives the view no score.</summary>
public sealed record MuxComponents(double? PlaybackSuccess, double? Startup, double? Smoothness, double? Quality);

/// <summary>
/// The published components of Mux's Viewer Experience Score 2.0 (docs.mux.com, "Overall Viewer
/// Experience Score" and its component pages):
/// - playback success: 100; 50 for an exit before video start; 0 for a failure; no score for an exit
///   before video start under 1 s;
/// - startup: 8 / (8 + t) · 100, t the startup time in seconds;
/// - smoothness: the mean of 100 / √(1 + (n/2)²), n the rebuffer count, and 100 · e^(−10·p), p the
///   rebuffer share of watch time (startup, playing and rebuffering);
/// - quality: 100 · e^(−0.33 · (0.15·Uₘₐₓ + 0.85·Uₐᵥ₉)), U the upscale factor minus one (0.5 for a
///   720-line picture fitted to 1080 lines), max and time-weighted mean over the view.
/// Mux combines them with tradeoff functions it does not publish, so no overall score is given.
/// </summary>
public static class MuxViewerExperience
{
    public const string Label = "Mux Viewer Experience Score 2.0, its published components; the overall score needs Mux's unpublished tradeoff functions";

    public static double Startup(double seconds) => 8 / (8 + seconds) * 100;

    public static double Smoothness(int rebuffers, double rebufferShare) =>
        (100 / Math.Sqrt(1 + (rebuffers / 2.0) * (rebuffers / 2.0)) + 100 * Math.Exp(-10 * rebufferShare)) / 2;

    public static double Quality(double maxUpscale, double meanUpscale) => 100 * Math.Exp(-0.33 * (0.15 * maxUpscale + 0.85 * meanUpscale));

    /// <summary>How much a picture is enlarged to fit the player, aspect kept: 0 when it is not enlarged.</summary>
    public static double Upscale(int width, int height, int playerWidth, int playerHeight) =>
        Math.Max(0, Math.Min((double)playerWidth / width, (double)playerHeight / height) - 1);

    public static MuxComponents Of(Session s, IReadOnlyList<PlayedStretch> stretches)
    {
        if (!s.Started)
        {
            double? success = s.End == SessionEnd.Failed ? 0 : s.WaitedMs is < 1000 ? null : 50;
            return new MuxComponents(success, null, null, null);
        }
        double startup = s.StartupMs!.Value / 1000;
        double watch = startup + s.PlayedSeconds + s.StallSeconds;
        var upscale = stretches.Select(p => (U: Upscale(p.Width, p.Height, s.PlayerWidth, s.PlayerHeight), p.Segment.Seconds)).ToList();
        double mean = upscale.Sum(u => u.U * u.Seconds) / upscale.Sum(u => u.Seconds);
        return new MuxComponents(s.End == SessionEnd.Failed ? 0 : 100, Startup(startup), Smoothness(s.StallCount, s.StallSeconds / watch),
            Quality(upscale.Max(u => u.U), mean));
    }
}
