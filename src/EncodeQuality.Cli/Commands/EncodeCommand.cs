using System.CommandLine;
using EncodeQuality.Pipeline;
using EncodeQuality.Pipeline.Ladder;
using EncodeQuality.Metrics;
using EncodeQuality.Results;
using EncodeQuality.Results.Files;

namespace EncodeQuality.Cli.Commands;

/// <summary>eq encode SOURCE --ladder FILE|default --out DIR [--score-at encode|source|both] [--metrics ...]</summary>
public static class EncodeCommand
{
    public static Command Create(MetricCatalog catalog)
    {
        var source = new Argument<string>("source") { Description = "Source video: any file FFmpeg reads; raw .yuv needs --size and --fps" };
        var ladder = new Option<string>("--ladder") { Description = "Ladder JSON file, or 'default' for the built-in ladder", Required = true };
        var outDir = new Option<string>("--out") { Description = "Output directory", Required = true };
        var scoreAt = new Option<string>("--score-at") { Description = "encode: at the rung's size; source: recon upscaled to the source; both", DefaultValueFactory = _ => "encode" };
        scoreAt.AcceptOnlyFromAmong("encode", "source", "both");
        var container = new Option<string>("--container") { Description = "mp4 or mkv", DefaultValueFactory = _ => "mp4" };
        container.AcceptOnlyFromAmong("mp4", "mkv");
        var metrics = SharedOptions.Metrics();
        var threads = new Option<int>("--encoder-threads") { Description = "Threads per encoder (0: encoder's choice)" };
        var frames = new Option<long>("--frames") { Description = "Encode only the first N frames (0: all)" };
        var maxRungs = new Option<int>("--max-rungs")
        {
            Description = "Refuse a ladder with more renditions than this", DefaultValueFactory = _ => LadderParser.DefaultMaxRungs,
        };
        var vmafEngine = SharedOptions.VmafEngine();
        var vmafModel = SharedOptions.VmafModel();
        var size = SharedOptions.Size();
        var fps = SharedOptions.Fps();
        var store = SharedOptions.Store();
        var jobId = new Option<string?>("--job-id") { Description = "The farm's job id: a stored run with the same job id is replaced, so a retry never duplicates" };
        var logJson = SharedOptions.LogJson();
        var verbose = SharedOptions.Verbose();

        var cmd = new Command("encode", "Encode a ladder with x264/x265 and score every rendition from the encoders' recon")
        {
            source, ladder, outDir, scoreAt, container, metrics, threads, frames, maxRungs, vmafEngine, vmafModel, store, jobId, size, fps, logJson, verbose,
        };
        cmd.SetAction((p, ct) => CommandRunner.Run(p.GetValue(logJson), p.GetValue(verbose), async log =>
        {
            string src = p.GetValue(source)!;
            if (p.GetValue(maxRungs) < 1) throw new InputException("--max-rungs must be at least 1");
            SharedOptions.CheckFile(src, "source");
            SharedOptions.UseVmaf(catalog, p.GetValue(vmafEngine)!, p.GetValue(vmafModel), new EncodeQuality.Vmaf.VmafOptions(), log);
            var stores = SharedOptions.StoreSinks(p.GetValue(store), log);
            var request = new EncodeRequest
            {
                Source = src,
                SourceOptions = SharedOptions.SourceOptionsFor(src, p.GetValue(size), p.GetValue(fps)),
                Ladder = p.GetValue(ladder) is "default" ? null : LadderParser.Load(p.GetValue(ladder)!, p.GetValue(maxRungs)),
                ScoreAt = ParseScoreAt(p.GetValue(scoreAt)!),
                Metrics = catalog.Parse(p.GetValue(metrics)!),
                Container = p.GetValue(container)!,
                EncoderThreads = p.GetValue(threads),
                MaxFrames = p.GetValue(frames),
            };
            var settings = EncodeRun.Settings(request, new Dictionary<string, string?>
            {
                ["vmaf_model"] = p.GetValue(vmafModel), ["vmaf_engine"] = p.GetValue(vmafEngine),
            });
            var run = await SharedOptions.Stored(p.GetValue(outDir)!, p.GetValue(store), () =>
                new EncodeRun(catalog, log).Run(request, p.GetValue(outDir)!, new RunIdentity("encode", src, settings, p.GetValue(jobId)), stores,
                    new RunInputs([("ladder", p.GetValue(ladder) is "default" ? null : p.GetValue(ladder)), ("model", p.GetValue(vmafModel))]), ct));
            Console.Out.Write(ResultTable.Render(run));
        }));
        return cmd;
    }

    public static ScoreAt ParseScoreAt(string s) => s switch
    {
        "encode" => ScoreAt.Encode,
        "source" => ScoreAt.Source,
        _ => ScoreAt.Both,
    };
}
