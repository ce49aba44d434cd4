using System.CommandLine;
using System.Globalization;
using EncodeQuality.Decisions;
using EncodeQuality.Decisions.Compare;
using EncodeQuality.Results.Files;
using EncodeQuality.Model;

namespace EncodeQuality.Cli.Commands;

/// <summary>eq compare BASE NEW: two runs rung by rung, BD-rate and BD-VMAF, and thresholds that exit 3.</summary>
public static class CompareCommand
{
    public static Command Create()
    {
        var baseSide = new Argument<string>("base") { Description = "BASE: an output folder, a summary.json, a stored run id (--store), or a folder of output folders (one per source)" };
        var newSide = new Argument<string>("new") { Description = "NEW: the same kind as BASE" };
        var store = SharedOptions.Store();
        var method = new Option<string>("--bd-method") { Description = "pchip (piecewise cubic, as JVET/AOM tools) or cubic (VCEG-M33 fit)", DefaultValueFactory = _ => "pchip" };
        method.AcceptOnlyFromAmong("pchip", "cubic");
        var maxBdRate = new Option<double?>("--max-bdrate") { Description = "Exit 3 when BD-rate (percent, the corpus average) is above this" };
        var maxDrop = new Option<double?>("--max-drop") { Description = "Exit 3 when any rung's VMAF mean drops by more than this" };
        var maxP5Drop = new Option<double?>("--max-p5-drop") { Description = "Exit 3 when any rung's VMAF p5 drops by more than this" };
        var json = new Option<string?>("--json") { Description = "Also write the comparison as JSON" };
        var logJson = SharedOptions.LogJson();
        var verbose = SharedOptions.Verbose();
        var cmd = new Command("compare", "Compare two runs (or two corpora): per-rung deltas, BD-rate and BD-VMAF.\n\nExample:\n  eq compare out/base out/new --max-bdrate 1 --json compare.json")
        {
            baseSide, newSide, store, method, maxBdRate, maxDrop, maxP5Drop, json, logJson, verbose,
        };
        cmd.SetAction((p, ct) => CommandRunner.Run(p.GetValue(logJson), p.GetValue(verbose),
            () => RunInputs.None.WithFileOrFolder("base", p.GetValue(baseSide)).WithFileOrFolder("new", p.GetValue(newSide))
                .With("store", SharedOptions.StoreFile(p.GetValue(store))), (log, inputs) =>
        {
            inputs.CheckOutputs(("--json", p.GetValue(json)));
            var stores = p.GetValue(store) is { } s ? new EncodeQuality.Results.Store.ResultStore(EncodeQuality.Results.Store.StoreLocation.ParseExisting(s)) : null;
            foreach (var (name, value) in new[] { ("--max-bdrate", p.GetValue(maxBdRate)), ("--max-drop", p.GetValue(maxDrop)), ("--max-p5-drop", p.GetValue(maxP5Drop)) })
                if (value is { } v && !double.IsFinite(v)) throw new InputException($"{name} must be a finite number, not {v}");
            var options = new EncodeQuality.Decisions.Compare.CompareOptions(p.GetValue(method) == "cubic" ? BdMethod.Cubic : BdMethod.Pchip,
                p.GetValue(maxBdRate), p.GetValue(maxDrop), p.GetValue(maxP5Drop));
            var result = RunComparison.Run(p.GetValue(baseSide)!, p.GetValue(newSide)!, stores, options);
            Console.Out.Write(Render(result));
            if (p.GetValue(json) is { } path) ComparisonJson.Write(path, result);
            foreach (var u in result.Unmatched) log.Warning("Not compared: {Source}", u);
            if (result.Failed) throw new QualityFailedException($"comparison failed ({result.Failures.Count}): {string.Join("; ", result.Failures)}");
            return Task.CompletedTask;
        }));
        return cmd;
    }

    private static string F(double? v, int decimals) => v is { } x ? x.ToString("F" + decimals, CultureInfo.InvariantCulture) : "-";

    private static string Signed(double? v, int decimals) => v is { } x ? (x >= 0 ? "+" : "") + x.ToString("F" + decimals, CultureInfo.InvariantCulture) : "-";

    public static string Render(ComparisonResult c)
    {
        var sb = new System.Text.StringBuilder();
        string method = c.Method == BdMethod.Pchip ? "pchip" : "cubic";
        foreach (var s in c.Sources)
        {
            sb.AppendLine($"BASE {s.Base.Label}  NEW {s.New.Label}{(s.Name == "" ? "" : $"  ({s.Name})")}");
            var headers = new List<string> { "rendition", "score-at", "size", "kbit/s base", "new", "Δ%", "vmaf base", "new", "Δ", "p5 base", "new", "Δ",
                "p1 base", "new", "Δ", "enc fps base", "new", "Δ%" };
            var rows = new List<List<string>>();
            foreach (var (b, n) in s.Rungs)
                foreach (var mode in (ScoreAt[])[ScoreAt.Encode, ScoreAt.Source])
                {
                    if (b.Score(mode, "vmaf") is not { } bv || n.Score(mode, "vmaf") is not { } nv) continue;
                    rows.Add([b.Name, mode == ScoreAt.Source ? "source" : "encode", $"{b.Width}x{b.Height}",
                        F(b.Kbps, 0), F(n.Kbps, 0), Signed(100 * (n.Kbps / b.Kbps - 1), 1),
                        F(bv.Mean, 2), F(nv.Mean, 2), Signed(nv.Mean - bv.Mean, 2), F(bv.P5, 2), F(nv.P5, 2), Signed(nv.P5 - bv.P5, 2),
                        F(bv.P1, 2), F(nv.P1, 2), Signed(nv.P1 - bv.P1, 2),
                        F(b.EncodeFps, 1), F(n.EncodeFps, 1), b.EncodeFps is { } be && n.EncodeFps is { } ne ? Signed(100 * (ne / be - 1), 1) : "-"]);
                }
            sb.Append(ResultTable.Format(headers, rows));
            foreach (var bd in s.Bd)
            {
                string mode = bd.Mode == ScoreAt.Source ? "source" : "encode";
                sb.AppendLine(bd.Rate.Value is { } rate
                    ? $"BD-rate ({method}, score-at {mode}, {bd.Points} points): {Signed(rate, 2)} %   BD-VMAF: {Signed(bd.Vmaf.Value, 3)}"
                    : $"BD-rate ({method}, score-at {mode}): not computable: {bd.Rate.NotComputable}");
            }
            sb.AppendLine();
        }
        if (c.Sources.Count > 1)
            foreach (var (mode, v) in c.Average)
                sb.AppendLine($"Average BD-rate over {c.Sources.Count} sources, score-at {(mode == ScoreAt.Source ? "source" : "encode")}: " +
                    (v is null ? "not computable" : Signed(v, 2) + " %"));
        foreach (var f in c.Failures) sb.AppendLine("FAIL " + f);
        return sb.ToString();
    }
}
