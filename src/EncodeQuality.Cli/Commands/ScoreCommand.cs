using EncodeQuality.Vmaf;
using System.CommandLine;
using System.Globalization;
using EncodeQuality.Pipeline;
using EncodeQuality.Metrics;
using EncodeQuality.Results;
using EncodeQuality.Results.Files;

namespace EncodeQuality.Cli.Commands;

/// <summary>eq score --ref REF --dist DIST [--metrics ...] [--json OUT]: plain two-file scoring.</summary>
public static class ScoreCommand
{
    /// <summary>Decodes both files, scores them, prints pooled scores, commits the JSON log and the store. Shared by eq score and eq vmaf.</summary>
    public static void Score(MetricCatalog catalog, Serilog.ILogger log, string r, string d, IReadOnlyList<string> names,
        string? json, string? store, string? size, string? fps, string? model, string settings, CancellationToken ct)
    {
        InputFile.Check(r, "reference");
        InputFile.Check(d, "distorted");
        var sinks = new List<IResultSink>();
        if (json is not null) sinks.Add(new ScoreLogSink(json, new RunInputs([("reference", r), ("distorted", d), ("model", model)])));
        sinks.AddRange(SharedOptions.StoreSinks(store, log));
        var refOptions = SharedOptions.SourceOptionsFor(r, size, fps);
        var distOptions = SharedOptions.SourceOptionsFor(d, size, fps);
        var run = SharedOptions.Stored(json, store, () => Task.FromResult(new ScoreRun(catalog, log).Run(
            r, refOptions, d, distOptions, names, new RunIdentity("score", r, settings), sinks, ct))).GetAwaiter().GetResult();
        var scores = run.Renditions[0].Scores[0];
        foreach (var (f, pooled) in scores.Pooled)
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{f}: mean {pooled.Mean:F6}  harmonic_mean {pooled.HarmonicMean:F6}  min {pooled.Min:F6}  p5 {pooled.P5:F6}"));
        var facts = run.Renditions[0].Facts;
        log.Information("Scored {Frames} frames of {Width}x{Height} {Depth}-bit at {Fps:0.#} frames/s", run.Frames,
            run.Run.Source.Width, run.Run.Source.Height, run.Run.Source.BitDepth, facts.ScoreFps);
    }

    /// <summary>A score run's settings as the store keeps them.</summary>
    public static string Settings(IReadOnlyList<string> metrics, IReadOnlyDictionary<string, string?> more) =>
        RunIdentity.SettingsJson(more.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value))
            .Append(new KeyValuePair<string, object?>("metrics", metrics)));

    public static Command Create(MetricCatalog catalog)
    {
        var reference = new Option<string>("--ref") { Description = "Reference video", Required = true };
        var distorted = new Option<string>("--dist") { Description = "Distorted video", Required = true };
        var metrics = SharedOptions.Metrics();
        var json = new Option<string?>("--json") { Description = "Write scores in libvmaf's JSON log layout" };
        var threads = new Option<int>("--threads") { Description = "Threads: VMAF and CAMBI score frames side by side", DefaultValueFactory = _ => 1 };
        var vmafEngine = SharedOptions.VmafEngine();
        var vmafModel = SharedOptions.VmafModel();
        var size = SharedOptions.Size();
        var fps = SharedOptions.Fps();
        var store = SharedOptions.Store();
        var logJson = SharedOptions.LogJson();
        var verbose = SharedOptions.Verbose();
        var cmd = new Command("score", "Score a distorted video against a reference (decodes both).\n\nExample:\n  eq score --ref source.y4m --dist decoded.mp4 --metrics vmaf,psnr --json scores.json")
        {
            reference, distorted, metrics, json, threads, vmafEngine, vmafModel, store, size, fps, logJson, verbose,
        };
        cmd.SetAction((p, ct) => CommandRunner.Run(p.GetValue(logJson), p.GetValue(verbose),
            () => SharedOptions.ComparisonInputs(p.GetValue(reference), p.GetValue(distorted), p.GetValue(vmafModel), p.GetValue(store)), (log, _) =>
        {
            if (p.GetValue(threads) < 1) throw new InputException("--threads must be at least 1");
            SharedOptions.UseVmaf(catalog, p.GetValue(vmafEngine)!, p.GetValue(vmafModel), new EncodeQuality.Vmaf.VmafOptions { Threads = p.GetValue(threads) }, log);
            CambiMetric.Register(catalog, p.GetValue(threads));
            var names = catalog.Parse(p.GetValue(metrics)!);
            Score(catalog, log, p.GetValue(reference)!, p.GetValue(distorted)!, names, p.GetValue(json), p.GetValue(store),
                p.GetValue(size), p.GetValue(fps), p.GetValue(vmafModel), Settings(names, new Dictionary<string, string?>
                {
                    ["vmaf_model"] = p.GetValue(vmafModel), ["vmaf_engine"] = p.GetValue(vmafEngine),
                    ["threads"] = p.GetValue(threads).ToString(CultureInfo.InvariantCulture),
                }), ct);
            return Task.CompletedTask;
        }));
        return cmd;
    }
}
