using EncodeQuality.Vmaf;
using System.CommandLine;
using System.Globalization;
using EncodeQuality.Pipeline;
using EncodeQuality.Pipeline.Metrics;
using EncodeQuality.Pipeline.Output;

namespace EncodeQuality.Cli.Commands;

/// <summary>eq score --ref REF --dist DIST [--metrics ...] [--json OUT]: plain two-file scoring.</summary>
public static class ScoreCommand
{
    /// <summary>Decodes both files, scores them, prints pooled scores, writes the JSON log. Shared by eq score and eq vmaf.</summary>
    public static void Score(MetricCatalog catalog, Serilog.ILogger log, string r, string d, IReadOnlyList<string> names,
        string? json, string? size, string? fps, CancellationToken ct)
    {
        SharedOptions.CheckFile(r, "reference");
        SharedOptions.CheckFile(d, "distorted");
        var result = new FileComparer(catalog).Compare(
            r, SharedOptions.SourceOptionsFor(r, size, fps), d, SharedOptions.SourceOptionsFor(d, size, fps), names, ct);
        if (json is not null) ScoreLogWriter.Write(json, result.Sheet, result.Frames, result.Fps);
        foreach (var f in result.Sheet.FeatureNames)
        {
            var pooled = PooledScore.Of(result.Sheet.ScoredValues(f));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{f}: mean {pooled.Mean:F6}  harmonic_mean {pooled.HarmonicMean:F6}  min {pooled.Min:F6}  p5 {pooled.P5:F6}"));
        }
        log.Information("Scored {Frames} frames of {Format} at {Fps:0.#} frames/s", result.Frames, result.Format, result.Fps);
    }

    public static Command Create(MetricCatalog catalog)
    {
        var reference = new Option<string>("--ref") { Description = "Reference video", Required = true };
        var distorted = new Option<string>("--dist") { Description = "Distorted video", Required = true };
        var metrics = SharedOptions.Metrics();
        var json = new Option<string?>("--json") { Description = "Write scores in libvmaf's JSON log layout" };
        var vmafEngine = SharedOptions.VmafEngine();
        var vmafModel = SharedOptions.VmafModel();
        var size = SharedOptions.Size();
        var fps = SharedOptions.Fps();
        var logJson = SharedOptions.LogJson();
        var verbose = SharedOptions.Verbose();
        var cmd = new Command("score", "Score a distorted video against a reference (decodes both)")
        {
            reference, distorted, metrics, json, vmafEngine, vmafModel, size, fps, logJson, verbose,
        };
        cmd.SetAction((p, ct) => CommandRunner.Run(p.GetValue(logJson), p.GetValue(verbose), log =>
        {
            SharedOptions.UseVmaf(catalog, p.GetValue(vmafEngine)!, p.GetValue(vmafModel), new EncodeQuality.Vmaf.VmafOptions(), log);
            Score(catalog, log, p.GetValue(reference)!, p.GetValue(distorted)!, catalog.Parse(p.GetValue(metrics)!),
                p.GetValue(json), p.GetValue(size), p.GetValue(fps), ct);
            return Task.CompletedTask;
        }));
        return cmd;
    }
}
