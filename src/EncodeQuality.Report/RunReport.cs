using System.Text.Json.Nodes;
using System.Text.Json;
using EncodeQuality.Results.Files;
using EncodeQuality.Model;

namespace EncodeQuality.Report;

/// <summary>
/// The report of one run: header, per-frame scores per score-at mode, percentiles per rung,
/// rate-quality with the hull and inversions, the gates and ladder checks, the worst frames.
/// </summary>
public static class RunReport
{
    /// <summary>The per-frame metrics the page can show, VMAF first.</summary>
    private static readonly string[] Shown = ["vmaf", "psnr_y", "float_ssim", "float_ms_ssim"];

    public const int WorstFrames = 10;

    public static void Write(RunOutcome run, string path) =>
        ReportPage.Write(path, $"EncodeQuality: {Path.GetFileName(run.Run.Source.Path)}", Json(run));

    /// <summary>
    /// The page's data: the run's summary.json object, written by the summary's own writer, plus
    /// "modes": per score-at mode, every rung's per-frame values as the score logs print them.
    /// </summary>
    public static string Json(RunOutcome run)
    {
        var page = SummaryWriter.Node(run, FileSink.Files);
        var modes = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(modes))
        {
            w.WriteStartArray();
            foreach (var mode in (ScoreAt[])[ScoreAt.Encode, ScoreAt.Source])
                if (run.Renditions.Any(r => r.At(mode) is not null)) WriteMode(w, run, mode);
            w.WriteEndArray();
        }
        page["modes"] = JsonNode.Parse(modes.WrittenSpan);
        return page.ToJsonString();
    }

    private static void WriteMode(Utf8JsonWriter w, RunOutcome run, ScoreAt mode)
    {
        w.WriteStartObject();
        w.WriteString("mode", ScoreSet.NameOf(mode));
        var metrics = Shown.Where(m => run.Renditions.All(r => r.At(mode)?.Pooled.ContainsKey(m) != false)
            && run.Renditions.Any(r => r.At(mode)?.Pooled.ContainsKey(m) == true)).ToList();
        w.WriteStartArray("metrics");
        foreach (var m in metrics) w.WriteStringValue(m);
        w.WriteEndArray();
        w.WriteStartArray("rungs");
        foreach (var r in run.Renditions)
        {
            if (r.At(mode) is not { } set) continue;
            w.WriteStartObject();
            w.WriteString("name", r.Facts.Name);
            w.WriteStartArray("frames");
            foreach (int f in set.Frames) w.WriteNumberValue(f);
            w.WriteEndArray();
            w.WriteStartObject("values");
            foreach (var m in metrics)
            {
                int col = set.Sheet.Column(m);
                w.WriteStartArray(m);
                foreach (int f in set.Frames) w.WriteNumberValue(Math.Round(set.Sheet.Get(col, f), 6));
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WritePropertyName("pooled");
            SummaryWriter.WritePooled(w, metrics.ToDictionary(m => m, m => set.Pooled[m]));
            if (metrics.Contains("vmaf"))
            {
                int col = set.Sheet.Column("vmaf");
                var ranked = set.Frames.Select(f => (Frame: f, Vmaf: set.Sheet.Get(col, f))).OrderBy(x => x.Vmaf).ThenBy(x => x.Frame).ToList();
                // The worst 1 % of frames (at least one), marked on the per-frame chart.
                w.WriteStartArray("worst_percent");
                foreach (var x in ranked.Take((ranked.Count + 99) / 100).OrderBy(x => x.Frame)) w.WriteNumberValue(x.Frame);
                w.WriteEndArray();
                w.WriteStartArray("worst");
                foreach (var x in ranked.Take(WorstFrames))
                {
                    w.WriteStartObject();
                    w.WriteNumber("frame", x.Frame);
                    w.WriteNumber("vmaf", Math.Round(x.Vmaf, 6));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
