using System.Globalization;
using System.Text;
using System.Text.Json;
using EncodeQuality.Downstream.Qoe.Models;

namespace EncodeQuality.Downstream.Qoe;

/// <summary>Every model's figures for one session.</summary>
public sealed record SessionQoe(PlayedSession Played, AbrObjectiveScore? Abr, P1203StyleScore? P1203, MuxComponents Mux, BitmovinSession Bitmovin)
{
    public Session Session => Played.Session;

    /// <summary>Bitmovin's score of this session alone: its success factor is its own points, squared.</summary>
    public double? BitmovinScore => Bitmovin is { Startup: { } st, Smoothness: { } sm, Points: { } p } ? (st + sm) / 2 * Math.Pow(p / 100, 2) : null;
}

/// <summary>
/// Session QoE for a set of sessions played from one run: the played VMAF, and each model's score per
/// session and over all sessions as that model's vendor aggregates it. Written as text and as JSON.
/// </summary>
public sealed class QoeReport
{
    public required string Source { get; init; }
    public required string TopRung { get; init; }
    public required string Scores { get; init; }
    public required AbrObjectiveOptions Abr { get; init; }
    public required IReadOnlyList<SessionQoe> Sessions { get; init; }

    public static QoeReport Evaluate(IReadOnlyList<Session> sessions, IPlayedQuality quality, AbrObjectiveOptions abr, string source, string scores)
    {
        var rows = sessions.Select(s =>
        {
            var played = PlayedSession.Of(s, quality);
            return new SessionQoe(played, AbrObjective.Of(played, abr), P1203StyleMos.Of(played), MuxViewerExperience.Of(s, played.Stretches),
                BitmovinPlaybackScore.Of(s));
        }).ToList();
        return new QoeReport { Source = source, TopRung = quality.TopRung, Scores = scores, Abr = abr, Sessions = rows };
    }

    private List<PlayedStretch> AllStretches => [.. Sessions.SelectMany(s => s.Played.Stretches)];

    /// <summary>Played VMAF over every session, weighted by time on screen.</summary>
    public double PlayedVmaf => PlayedSession.TimeWeighted(AllStretches, s => s.Vmaf);
    public double TopRungVmaf => PlayedSession.TimeWeighted(AllStretches, s => s.TopVmaf);
    public double? AbrMean => Mean(Sessions.Select(s => s.Abr?.Qoe));
    public double? P1203Mean => Mean(Sessions.Select(s => s.P1203?.Mos));
    public MuxComponents MuxMean => new(Mean(Sessions.Select(s => s.Mux.PlaybackSuccess)), Mean(Sessions.Select(s => s.Mux.Startup)),
        Mean(Sessions.Select(s => s.Mux.Smoothness)), Mean(Sessions.Select(s => s.Mux.Quality)));
    public BitmovinAggregate Bitmovin => BitmovinPlaybackScore.Aggregate([.. Sessions.Select(s => s.Session)]);

    private static double? Mean(IEnumerable<double?> values)
    {
        var list = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        return list.Count > 0 ? list.Average() : null;
    }

    private static string F(double? v, string format = "0.0") =>
        v is { } d && !double.IsNaN(d) ? d.ToString(format, CultureInfo.InvariantCulture) : "-";

    public string Text()
    {
        var t = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        t.AppendLine(c, $"QoE of {Sessions.Count} session(s) played from {Source}; segment VMAF measured over each segment's own frames ({Scores}); top rung {TopRung}.");
        t.AppendLine();
        t.AppendLine("Played VMAF, weighted by time on screen, and the top rung's over the same media time");
        t.AppendLine(c, $"{"session",-10} {"played",7} {"top rung",9} {"gap",6} {"seconds",8} {"stalls",7} {"stall s",8}");
        foreach (var s in Sessions)
            t.AppendLine(c, $"{s.Session.Id,-10} {F(s.Played.PlayedVmaf),7} {F(s.Played.TopRungVmaf),9} {F(s.Played.TopRungVmaf - s.Played.PlayedVmaf),6} {F(s.Session.PlayedSeconds),8} {s.Session.StallCount,7} {F(s.Session.StallSeconds),8}");
        if (Sessions.Count > 1) t.AppendLine(c, $"{"all",-10} {F(PlayedVmaf),7} {F(TopRungVmaf),9} {F(TopRungVmaf - PlayedVmaf),6}");
        t.AppendLine();
        t.AppendLine(c, $"ABR objective (MPC, Pensieve): QoE = Σq(Rn) − μ·ΣTn − Σ|q(Rn+1) − q(Rn)|, q = VMAF/{Abr.QScale.ToString(c)}, μ = {Abr.Mu.ToString(c)}");
        t.AppendLine(c, $"{"session",-10} {"QoE",7} {"picture",8} {"stalls",7} {"switches",9} {"switch count",13} {"drops",6}");
        foreach (var s in Sessions)
            t.AppendLine(c, $"{s.Session.Id,-10} {F(s.Abr?.Qoe),7} {F(s.Abr?.Picture),8} {F(s.Abr?.Stalls),7} {F(s.Abr?.Switches),9} {(s.Abr?.SwitchCount.ToString(c) ?? "-"),13} {(s.Abr?.Drops.ToString(c) ?? "-"),6}");
        if (Sessions.Count > 1) t.AppendLine(c, $"{"mean",-10} {F(AbrMean),7}");
        t.AppendLine();
        t.AppendLine(P1203StyleMos.Label);
        t.AppendLine(c, $"{"session",-10} {"MOS",5} {"picture",8} {"stalling",9} {"switching",10}");
        foreach (var s in Sessions)
            t.AppendLine(c, $"{s.Session.Id,-10} {F(s.P1203?.Mos, "0.00"),5} {F(s.P1203?.Picture, "0.00"),8} {F(s.P1203?.StallFactor, "0.000"),9} {F(s.P1203?.SwitchFactor, "0.000"),10}");
        if (Sessions.Count > 1) t.AppendLine(c, $"{"mean",-10} {F(P1203Mean, "0.00"),5}");
        t.AppendLine();
        t.AppendLine(MuxViewerExperience.Label);
        t.AppendLine(c, $"{"session",-10} {"success",8} {"startup",8} {"smoothness",11} {"quality",8}");
        foreach (var s in Sessions)
            t.AppendLine(c, $"{s.Session.Id,-10} {F(s.Mux.PlaybackSuccess),8} {F(s.Mux.Startup),8} {F(s.Mux.Smoothness),11} {F(s.Mux.Quality),8}");
        if (Sessions.Count > 1)
        {
            var m = MuxMean;
            t.AppendLine(c, $"{"mean",-10} {F(m.PlaybackSuccess),8} {F(m.Startup),8} {F(m.Smoothness),11} {F(m.Quality),8}");
        }
        t.AppendLine();
        t.AppendLine(c, $"{BitmovinPlaybackScore.Label}: mean(startup, smoothness) × success factor");
        t.AppendLine(c, $"{"session",-10} {"startup",8} {"smoothness",11} {"points",7} {"score",6}");
        foreach (var s in Sessions)
            t.AppendLine(c, $"{s.Session.Id,-10} {F(s.Bitmovin.Startup),8} {F(s.Bitmovin.Smoothness),11} {F(s.Bitmovin.Points, "0"),7} {F(s.BitmovinScore),6}{(s.Bitmovin.Unrated is { } u ? "  " + u : "")}");
        var b = Bitmovin;
        t.AppendLine(c, $"{"all",-10} {F(b.Startup),8} {F(b.Smoothness),11} {"",7} {F(b.Score),6}  success factor {F(b.SuccessFactor, "0.0000")}{(b.Unrated is { } why ? $" (unknown: {why})" : "")}");
        return t.ToString();
    }

    /// <summary>The JSON, written whole or not at all.</summary>
    public void WriteJson(string path)
    {
        string temp = Results.Files.OutputFolder.TempPathBeside(Path.GetFullPath(path));
        File.WriteAllText(temp, Json());
        File.Move(temp, path, overwrite: true);
    }

    public string Json()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("source", Source);
            w.WriteString("scores", Scores);
            w.WriteString("top_rung", TopRung);
            w.WriteStartArray("sessions");
            foreach (var s in Sessions)
            {
                w.WriteStartObject();
                w.WriteString("id", s.Session.Id);
                w.WriteString("end", s.Session.End.ToString().ToLowerInvariant());
                Number(w, "played_seconds", s.Session.PlayedSeconds);
                Number(w, "stall_seconds", s.Session.StallSeconds);
                w.WriteNumber("stalls", s.Session.StallCount);
                Number(w, "played_vmaf", s.Played.PlayedVmaf);
                Number(w, "top_rung_vmaf", s.Played.TopRungVmaf);
                w.WriteStartArray("segments");
                foreach (var p in s.Played.Stretches)
                {
                    w.WriteStartObject();
                    w.WriteString("rendition", p.Segment.Rendition);
                    Number(w, "start", p.Segment.Start);
                    Number(w, "seconds", p.Segment.Seconds);
                    Number(w, "stall_seconds", p.Segment.StallSeconds);
                    Number(w, "vmaf", p.Vmaf);
                    Number(w, "top_rung_vmaf", p.TopVmaf);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                WriteModels(w, s);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("all");
            Number(w, "played_vmaf", PlayedVmaf);
            Number(w, "top_rung_vmaf", TopRungVmaf);
            var b = Bitmovin;
            w.WriteStartObject("abr_objective");
            Number(w, "mean_qoe", AbrMean);
            w.WriteEndObject();
            w.WriteStartObject("p1203_style");
            Number(w, "mean_mos", P1203Mean);
            w.WriteEndObject();
            var m = MuxMean;
            w.WriteStartObject("mux_ves2");
            Number(w, "playback_success", m.PlaybackSuccess);
            Number(w, "startup", m.Startup);
            Number(w, "smoothness", m.Smoothness);
            Number(w, "quality", m.Quality);
            w.WriteEndObject();
            w.WriteStartObject("bitmovin");
            Number(w, "startup", b.Startup);
            Number(w, "smoothness", b.Smoothness);
            Number(w, "success_factor", b.SuccessFactor);
            Number(w, "score", b.Score);
            if (b.Unrated is not null) w.WriteString("unrated", b.Unrated);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private void WriteModels(Utf8JsonWriter w, SessionQoe s)
    {
        var (abr, p1203, mux) = (s.Abr, s.P1203, s.Mux);
        w.WriteStartObject("abr_objective");
        w.WriteString("model", $"MPC/Pensieve linear QoE, q = VMAF/{Abr.QScale.ToString(CultureInfo.InvariantCulture)}, mu = {Abr.Mu.ToString(CultureInfo.InvariantCulture)}");
        Number(w, "qoe", abr?.Qoe);
        Number(w, "picture", abr?.Picture);
        Number(w, "stalls", abr?.Stalls);
        Number(w, "switches", abr?.Switches);
        if (abr is { } x)
        {
            w.WriteNumber("switch_count", x.SwitchCount);
            w.WriteNumber("drops", x.Drops);
        }
        w.WriteEndObject();
        w.WriteStartObject("p1203_style");
        w.WriteString("model", P1203StyleMos.Label);
        Number(w, "mos", p1203?.Mos);
        Number(w, "picture", p1203?.Picture);
        Number(w, "stall_factor", p1203?.StallFactor);
        Number(w, "switch_factor", p1203?.SwitchFactor);
        w.WriteEndObject();
        w.WriteStartObject("mux_ves2");
        w.WriteString("model", MuxViewerExperience.Label);
        Number(w, "playback_success", mux.PlaybackSuccess);
        Number(w, "startup", mux.Startup);
        Number(w, "smoothness", mux.Smoothness);
        Number(w, "quality", mux.Quality);
        w.WriteNull("overall");
        w.WriteEndObject();
        w.WriteStartObject("bitmovin");
        w.WriteString("model", BitmovinPlaybackScore.Label);
        Number(w, "startup", s.Bitmovin.Startup);
        Number(w, "smoothness", s.Bitmovin.Smoothness);
        Number(w, "points", s.Bitmovin.Points);
        Number(w, "success_factor", s.Bitmovin.Points is { } points ? Math.Pow(points / 100, 2) : null);
        Number(w, "score", s.BitmovinScore);
        if (s.Bitmovin.Unrated is not null) w.WriteString("unrated", s.Bitmovin.Unrated);
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) w.WriteNumber(name, Math.Round(v, 6));
        else w.WriteNull(name);
    }
}
