using System.Globalization;
using System.Text;
using EncodeQuality.Results;
using EncodeQuality.Model;

namespace EncodeQuality.Cli;

/// <summary>The ladder as a plain-text table on stdout: one row per rendition, mean scores.</summary>
public static class ResultTable
{
    public static string Render(RunOutcome run)
    {
        var headers = new List<string> { "rendition", "codec", "size", "kbit/s", "enc fps" };
        if (!run.Run.Sampled) headers.Add("scores");
        var first = run.Renditions[0];
        bool gated = run.Checks.Any(c => c.Kind == EncodeQuality.Decisions.Gates.GateCheck.Kind && c.Rendition is not null);
        if (gated) headers.Add("gates");
        var encodeFeatures = Shown.Where(f => first.At(ScoreAt.Encode)?.Pooled.ContainsKey(f) == true).ToList();
        var sourceFeatures = Shown.Where(f => first.At(ScoreAt.Source)?.Pooled.ContainsKey(f) == true).ToList();
        headers.AddRange(encodeFeatures);
        headers.AddRange(sourceFeatures.Select(f => "src " + f));
        var rows = run.Renditions.Select(o =>
        {
            var r = o.Facts;
            var row = new List<string>
            {
                r.Name, r.Codec, $"{r.Width}x{r.Height}", F(r.BitrateKbps, 0), F(r.EncodeFps ?? 0, 1),
            };
            if (!run.Run.Sampled) row.Add("not sampled");
            if (gated)
            {
                var mine = run.Checks.Where(c => c.Kind == EncodeQuality.Decisions.Gates.GateCheck.Kind && c.Rendition == r.Name).ToList();
                row.Add(mine.Any(c => c.Result == CheckResult.Failed) ? "FAIL" : mine.Count > 0 ? "ok" : "-");
            }
            row.AddRange(encodeFeatures.Select(f => F(o.At(ScoreAt.Encode)!.Pooled[f].Mean, f.Contains("ssim") ? 4 : 2)));
            row.AddRange(sourceFeatures.Select(f => F(o.At(ScoreAt.Source)!.Pooled[f].Mean, f.Contains("ssim") ? 4 : 2)));
            return row;
        }).ToList();
        var table = Format(headers, rows);
        // Every failed decision under the table, so a FAIL is never without its reason.
        var notes = run.Checks.Where(c => c.Result == CheckResult.Failed)
            .Select(c => (c.Fatal ? "FAIL " : "warning ") + c.Message);
        return notes.Any() ? table + string.Join(Environment.NewLine, notes) + Environment.NewLine : table;
    }

    /// <summary>The columns shown, in this order: VMAF first.</summary>
    private static readonly string[] Shown = ["vmaf", "psnr_y", "psnr_avg_611", "float_ssim", "float_ms_ssim"];

    private static string F(double v, int decimals) => v.ToString("F" + decimals, CultureInfo.InvariantCulture);

    public static string Format(List<string> headers, List<List<string>> rows)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        void Line(IList<string> cells)
        {
            for (int i = 0; i < cells.Count; i++)
                sb.Append(i < 3 ? cells[i].PadRight(widths[i]) : cells[i].PadLeft(widths[i])).Append(i + 1 < cells.Count ? "  " : "");
            sb.AppendLine();
        }
        Line(headers);
        Line(widths.Select(w => new string('-', w)).ToList());
        foreach (var r in rows) Line(r);
        return sb.ToString();
    }
}
