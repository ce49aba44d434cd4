using EncodeQuality.Application;
using System.CommandLine;
using EncodeQuality.Native;
using EncodeQuality.Pipeline;
using EncodeQuality.Metrics;
using EncodeQuality.Model;

namespace EncodeQuality.Cli.Commands;

/// <summary>
/// eq demo: the main job on a built-in input that needs nothing from outside the repository:
/// FFmpeg's testsrc2 pattern (lavfi), 720p25, encoded with the default ladder.
/// </summary>
public static class DemoCommand
{
    public const string Pattern = "testsrc2=size=1280x720:rate=25:duration=4";

    public static Command Create(MetricCatalog catalog)
    {
        var outDir = new Option<string>("--out") { Description = "Output directory", DefaultValueFactory = _ => "out/demo" };
        var metrics = SharedOptions.Metrics();
        var logJson = SharedOptions.LogJson();
        var verbose = SharedOptions.Verbose();
        var quiet = SharedOptions.Quiet();
        var noProgress = SharedOptions.NoProgress();
        var cmd = new Command("demo", "Encode the built-in ladder from a generated 720p test pattern and print the scores.\n\nExample:\n  eq demo --out /tmp/eq-demo")
        {
            outDir, metrics, logJson, verbose, quiet, noProgress,
        };
        cmd.SetAction((p, ct) =>
        {
        var (display, console) = SharedOptions.Progress(p.GetValue(quiet), p.GetValue(noProgress), 0);
        return CommandRunner.Run(p.GetValue(logJson), p.GetValue(verbose), async log =>
        {
            using var shown = display?.LoggingTo(log);
            var request = new EncodeRequest
            {
                Source = Pattern,
                SourceOptions = SourceOptions.Lavfi,
                ScoreAt = ScoreAt.Both,
                Metrics = catalog.Parse(p.GetValue(metrics)!),
            };
            var run = await new EncodeRun(catalog, log).Run(request, p.GetValue(outDir)!,
                new RunIdentity("encode", Pattern, EncodeRun.Settings(request, new Dictionary<string, string?>())), display is null ? [] : [display],
                EncodeQuality.Results.Files.RunInputs.None, ct);
            Console.Out.Write(ResultTable.Render(run));
            log.Information("Outputs in {Dir}: one .mp4, .scores.json and .source-scores.json per rendition, and summary.json", p.GetValue(outDir));
            string report = Path.GetFullPath(Path.Combine(p.GetValue(outDir)!, "report.html"));
            EncodeQuality.Report.RunReport.Write(run, report);
            Console.Out.WriteLine($"Report: {report}");
        }, console);
        });
        return cmd;
    }
}
