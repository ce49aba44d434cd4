using System.CommandLine;
using EncodeQuality.Metrics;
using EncodeQuality.Vmaf;

namespace EncodeQuality.Cli.Commands;

/// <summary>
/// eq vmaf --ref REF --dist DIST [--dist DIST2 ...] [--vmaf-model NAME|PATH] [--threads N] [--subsample N] [--json OUT | --json-dir DIR]:
/// the managed VMAF engine on files; the same path as eq score --metrics vmaf.
/// </summary>
public static class VmafCommand
{
    public static Command Create(MetricCatalog catalog)
    {
        var reference = new Option<string>("--ref") { Description = "Reference video", Required = true };
        var distorted = SharedOptions.Distorted();
        var model = SharedOptions.VmafModel();
        var threads = new Option<int>("--threads") { Description = "Threads, each scoring whole frames side by side", DefaultValueFactory = _ => 1 };
        var subsample = new Option<int>("--subsample") { Description = "Score every Nth frame", DefaultValueFactory = _ => 1 };
        var transform = new Option<bool>("--enable-transform") { Description = "Apply the model's score transform" };
        var engine = SharedOptions.VmafEngine();
        var json = new Option<string?>("--json") { Description = "Write scores in libvmaf's JSON log layout" };
        var jsonDir = SharedOptions.JsonDir();
        var size = SharedOptions.Size();
        var fps = SharedOptions.Fps();
        var store = SharedOptions.Store();
        var logJson = SharedOptions.LogJson();
        var verbose = SharedOptions.Verbose();
        var cmd = new Command("vmaf", "VMAF of a distorted video against a reference (--vmaf-engine: libvmaf where it loads, else the managed engine).\n\nExample:\n  eq vmaf --ref source.y4m --dist decoded.mp4 --vmaf-model vmaf_v0.6.1neg --json vmaf.json")
        {
            reference, distorted, model, threads, subsample, transform, engine, json, jsonDir, store, size, fps, logJson, verbose,
        };
        cmd.SetAction((p, ct) => CommandRunner.Run(p.GetValue(logJson), p.GetValue(verbose),
            () => SharedOptions.ComparisonInputs(p.GetValue(reference), p.GetValue(distorted)!, p.GetValue(model), p.GetValue(store)), (log, inputs) =>
        {
            if (p.GetValue(threads) < 1) throw new InputException("--threads must be at least 1");
            if (p.GetValue(subsample) < 1) throw new InputException("--subsample must be at least 1");
            SharedOptions.UseVmaf(catalog, p.GetValue(engine)!, p.GetValue(model), new VmafOptions
            {
                Threads = p.GetValue(threads), Subsample = p.GetValue(subsample), EnableTransform = p.GetValue(transform),
            }, log);
            ScoreCommand.Score(catalog, log, inputs, p.GetValue(reference)!, p.GetValue(distorted)!, ["vmaf"], p.GetValue(json), p.GetValue(jsonDir), p.GetValue(store),
                p.GetValue(size), p.GetValue(fps), ScoreCommand.Settings(["vmaf"], new Dictionary<string, string?>
                {
                    ["vmaf_model"] = p.GetValue(model), ["vmaf_engine"] = p.GetValue(engine),
                    ["threads"] = p.GetValue(threads).ToString(), ["subsample"] = p.GetValue(subsample).ToString(),
                }), ct);
            return Task.CompletedTask;
        }));
        return cmd;
    }
}
