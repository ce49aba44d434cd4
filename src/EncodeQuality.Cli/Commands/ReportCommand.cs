using System.CommandLine;
using EncodeQuality.Report;
using EncodeQuality.Results.Files;

namespace EncodeQuality.Cli.Commands;

/// <summary>eq report SOURCE --out report.html: one self-contained HTML page for a run or a comparison.</summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("source")
        {
            Description = "An output folder, a stored run id (with --store), or the JSON that eq compare --json wrote",
        };
        var outFile = new Option<string>("--out") { Description = "The HTML file to write", Required = true };
        var store = SharedOptions.Store();
        var logJson = SharedOptions.LogJson();
        var verbose = SharedOptions.Verbose();
        var cmd = new Command("report", "Write one self-contained HTML page (charts, tables, verdicts) for a run or a comparison.\n\nExample:\n  eq report out --out out/report.html")
        {
            source, outFile, store, logJson, verbose,
        };
        cmd.SetAction((p, ct) => CommandRunner.Run(p.GetValue(logJson), p.GetValue(verbose),
            () => RunInputs.None.WithFileOrFolder(File.Exists(p.GetValue(source)) ? "comparison" : "run", p.GetValue(source))
                .With("store", SharedOptions.StoreFile(p.GetValue(store))), (log, inputs) =>
        {
            string src = p.GetValue(source)!, target = p.GetValue(outFile)!;
            inputs.CheckOutputs(("--out", target));
            if (File.Exists(src)) ComparisonReport.WriteJson(File.ReadAllText(src), src, target);
            else RunReport.Write(SharedOptions.ReadRun(src, p.GetValue(store)), target);
            log.Information("Report written: {Path}", Path.GetFullPath(target));
            Console.Out.WriteLine(Path.GetFullPath(target));
            return Task.CompletedTask;
        }));
        return cmd;
    }
}
