using System.CommandLine;
using EncodeQuality.Report;
using EncodeQuality.Results.Files;
using EncodeQuality.Results.Store;

namespace EncodeQuality.Cli.Commands;

/// <summary>
/// eq report SOURCE --out report.html: one self-contained HTML page for a run or a comparison;
/// eq report --store STORE [--since 30d] --out farm.html: the farm-wide page over a store's runs.
/// </summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var source = new Argument<string?>("source")
        {
            Description = "An output folder, a stored run id (with --store), or the JSON that eq compare --json wrote; none: the farm-wide page of --store",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var outFile = new Option<string>("--out") { Description = "The HTML file to write", Required = true };
        var store = new Option<string?>("--store")
        {
            Description = "The results store to read: an SQLite file path, or a postgres:// URL or Npgsql connection string (env EQ_STORE for the farm page)",
        };
        var since = SharedOptions.Since("The farm page's window: runs and jobs started at or after this (default 30d)");
        var logJson = SharedOptions.LogJson();
        var verbose = SharedOptions.Verbose();
        var cmd = new Command("report", "Write one self-contained HTML page (charts, tables, verdicts) for a run, a comparison, or every run of a store.\n\n" +
            "Example:\n  eq report out --out out/report.html\n  eq report --store eq.db --since 30d --out farm.html")
        {
            source, outFile, store, since, logJson, verbose,
        };
        cmd.SetAction((p, ct) =>
        {
            string? src = p.GetValue(source);
            string? where = src is null ? p.GetValue(store) ?? Environment.GetEnvironmentVariable("EQ_STORE") : p.GetValue(store);
            return CommandRunner.Run(p.GetValue(logJson), p.GetValue(verbose),
                () => (src is null ? RunInputs.None : RunInputs.None.WithFileOrFolder(File.Exists(src) ? "comparison" : "run", src))
                    .With("store", SharedOptions.StoreFile(where)), (log, inputs) =>
            {
                string target = p.GetValue(outFile)!;
                inputs.CheckOutputs(("--out", target));
                if (src is null)
                {
                    var location = where ?? throw new InputException("give a run, a comparison, or --store (or EQ_STORE) for the farm-wide page");
                    var from = SharedOptions.ParseSince(p.GetValue(since) ?? "30d", DateTimeOffset.UtcNow)!.Value;
                    FarmReport.Write(new ResultStore(StoreLocation.ParseExisting(location)), from, target);
                }
                else if (p.GetValue(since) is not null) throw new InputException("--since is for the farm-wide page, which takes no run or comparison");
                else if (File.Exists(src)) ComparisonReport.WriteJson(File.ReadAllText(src), src, target);
                else RunReport.Write(SharedOptions.ReadRun(src, where), target);
                log.Information("Report written: {Path}", Path.GetFullPath(target));
                Console.Out.WriteLine(Path.GetFullPath(target));
                return Task.CompletedTask;
            });
        });
        return cmd;
    }
}
