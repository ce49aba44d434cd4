using EncodeQuality.Application;
using System.CommandLine;
using System.Globalization;
using EncodeQuality.Metrics;
using EncodeQuality.Results;
using EncodeQuality.Results.Files;

namespace EncodeQuality.Cli.Commands;

/// <summary>eq score --ref REF --dist DIST [--dist DIST2 ...] [--metrics ...] [--json OUT | --json-dir DIR]: two-pass scoring of files.</summary>
public static class ScoreCommand
{
    /// <summary>
    /// Decodes the reference once and each distorted file, scores each against it, prints pooled
    /// scores, commits the JSON logs (--json for one distorted file, --json-dir DIR/NAME.json for
    /// any number) and the store. Shared by eq score and eq vmaf.
    /// </summary>
    /// <param name="inputs">What the command reads (<see cref="SharedOptions.ComparisonInputs"/>): no log may replace one.</param>
    public static void Score(MetricCatalog catalog, Serilog.ILogger log, RunInputs inputs, string r, IReadOnlyList<string> dists, IReadOnlyList<string> names,
        string? json, string? jsonDir, string? store, string? size, string? fps, string settings, CancellationToken ct)
    {
        InputFile.Check(r, "reference");
        foreach (var d in dists) InputFile.Check(d, "distorted");
        // Each distorted file is a rendition of the run, named by its file name, and NAME.json in --json-dir.
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var d in dists)
        {
            string name = Path.GetFileNameWithoutExtension(d);
            if (seen.TryGetValue(name, out var other))
                throw new InputException($"--dist {other} and --dist {d} share the name {name}: give the files different names");
            seen[name] = d;
        }
        var logs = JsonLogs(dists, json, jsonDir);
        var sinks = new List<IResultSink>();
        foreach (var (path, rendition) in logs) sinks.Add(new ScoreLogSink(path, inputs, rendition));
        sinks.AddRange(SharedOptions.StoreSinks(store, log));
        var refOptions = SharedOptions.SourceOptionsFor(r, size, fps);
        var distorted = dists.Select(d => (d, SharedOptions.SourceOptionsFor(d, size, fps))).ToList();
        var run = SharedOptions.Stored(dists.Count == 1 ? json : null, store, () => Task.FromResult(new ScoreRun(catalog, log).Run(
            r, refOptions, distorted, names, new RunIdentity("score", r, settings), sinks, ct))).GetAwaiter().GetResult();
        foreach (var rendition in run.Renditions)
        {
            // One distorted file prints as it always has; several are told apart by their names.
            string prefix = run.Renditions.Count == 1 ? "" : rendition.Facts.Name + ": ";
            foreach (var (f, pooled) in rendition.Scores[0].Pooled)
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{prefix}{f}: mean {pooled.Mean:F6}  harmonic_mean {pooled.HarmonicMean:F6}  min {pooled.Min:F6}  p5 {pooled.P5:F6}"));
        }
        var facts = run.Renditions[0].Facts;
        log.Information("Scored {Frames} frames of {Width}x{Height} {Depth}-bit at {Fps:0.#} frames/s" + (dists.Count == 1 ? "" : $", {dists.Count} distorted files each"),
            run.Frames, run.Run.Source.Width, run.Run.Source.Height, run.Run.Source.BitDepth, facts.ScoreFps);
    }

    /// <summary>
    /// Where each distorted file's log goes: --json for a single file; --json-dir DIR gives
    /// DIR/NAME.json, NAME the file name without its extension. Each entry names the log's path and
    /// the rendition (the distorted file's name) it holds.
    /// </summary>
    private static List<(string Path, string? Rendition)> JsonLogs(IReadOnlyList<string> dists, string? json, string? jsonDir)
    {
        if (json is not null && jsonDir is not null) throw new InputException("give --json or --json-dir, not both");
        if (json is not null && dists.Count > 1)
            throw new InputException($"--json holds one distorted file's scores and {dists.Count} are given: use --json-dir DIR (DIR/NAME.json for each)");
        if (json is not null) return [(json, null)];
        if (jsonDir is null) return [];
        if (File.Exists(jsonDir)) throw new InputException($"--json-dir {jsonDir}: this is a file, not a folder");
        try { Directory.CreateDirectory(jsonDir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"--json-dir {jsonDir}: cannot create the folder ({e.Message})");
        }
        return [.. dists.Select(d => (Path.Combine(jsonDir, Path.GetFileNameWithoutExtension(d) + ".json"), (string?)Path.GetFileName(d)))];
    }

    /// <summary>A score run's settings as the store keeps them.</summary>
    public static string Settings(IReadOnlyList<string> metrics, IReadOnlyDictionary<string, string?> more) =>
        RunIdentity.SettingsJson(more.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value))
            .Append(new KeyValuePair<string, object?>("metrics", metrics)));

    public static Command Create(MetricCatalog catalog)
    {
        var reference = new Option<string>("--ref") { Description = "Reference video", Required = true };
        var distorted = SharedOptions.Distorted();
        var metrics = SharedOptions.Metrics();
        var json = new Option<string?>("--json") { Description = "Write scores in libvmaf's JSON log layout" };
        var jsonDir = SharedOptions.JsonDir();
        var threads = new Option<int>("--threads") { Description = "Threads: VMAF and CAMBI score frames side by side", DefaultValueFactory = _ => 1 };
        var vmafEngine = SharedOptions.VmafEngine();
        var vmafModel = SharedOptions.VmafModel();
        var size = SharedOptions.Size();
        var fps = SharedOptions.Fps();
        var store = SharedOptions.Store();
        var logJson = SharedOptions.LogJson();
        var verbose = SharedOptions.Verbose();
        var cmd = new Command("score", "Score distorted videos against a reference (decodes them all; the reference once).\n\nExample:\n  eq score --ref source.y4m --dist decoded.mp4 --metrics vmaf,psnr --json scores.json\n  eq score --ref source.y4m --dist 720p.mp4 --dist 480p.mp4 --json-dir scores")
        {
            reference, distorted, metrics, json, jsonDir, threads, vmafEngine, vmafModel, store, size, fps, logJson, verbose,
        };
        cmd.SetAction((p, ct) => CommandRunner.Run(p.GetValue(logJson), p.GetValue(verbose),
            () => SharedOptions.ComparisonInputs(p.GetValue(reference), p.GetValue(distorted)!, p.GetValue(vmafModel), p.GetValue(store)), (log, inputs) =>
        {
            if (p.GetValue(threads) < 1) throw new InputException("--threads must be at least 1");
            SharedOptions.UseVmaf(catalog, p.GetValue(vmafEngine)!, p.GetValue(vmafModel), new EncodeQuality.Vmaf.VmafOptions { Threads = p.GetValue(threads) }, log);
            catalog.UseThreads(p.GetValue(threads));
            var names = catalog.Parse(p.GetValue(metrics)!);
            Score(catalog, log, inputs, p.GetValue(reference)!, p.GetValue(distorted)!, names, p.GetValue(json), p.GetValue(jsonDir), p.GetValue(store),
                p.GetValue(size), p.GetValue(fps), Settings(names, new Dictionary<string, string?>
                {
                    ["vmaf_model"] = p.GetValue(vmafModel), ["vmaf_engine"] = p.GetValue(vmafEngine),
                    ["threads"] = p.GetValue(threads).ToString(CultureInfo.InvariantCulture),
                }), ct);
            return Task.CompletedTask;
        }));
        return cmd;
    }
}
