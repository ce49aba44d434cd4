using EncodeQuality.Application;
using System.CommandLine;
using EncodeQuality.Results.Files;
using EncodeQuality.Pipeline;
using EncodeQuality.Pipeline.Ladder;
using EncodeQuality.Metrics;
using EncodeQuality.Results;
using EncodeQuality.Decisions.Gates;
using EncodeQuality.Decisions.Ladder;
using EncodeQuality.Model;

namespace EncodeQuality.Cli.Commands;

/// <summary>eq encode SOURCE --ladder FILE|default --out DIR [--score-at encode|source|both] [--metrics ...]</summary>
public static class EncodeCommand
{
    public static Command Create(MetricCatalog catalog)
    {
        var source = new Argument<string>("source") { Description = "Source video: any file FFmpeg reads; raw .yuv needs --size and --fps" };
        var ladder = new Option<string>("--ladder") { Description = "Ladder JSON file, or 'default' for the built-in ladder", Required = true };
        var outDir = new Option<string>("--out") { Description = "Output directory", Required = true };
        var scoreAt = new Option<string>("--score-at") { Description = "encode: at the rung's size; source: recon upscaled to the source; both", DefaultValueFactory = _ => EncodeRequest.Defaults.ScoreAt.ToString().ToLowerInvariant() };
        scoreAt.AcceptOnlyFromAmong("encode", "source", "both");
        var container = new Option<string>("--container") { Description = "mp4 or mkv", DefaultValueFactory = _ => EncodeRequest.Defaults.Container };
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
        var gatesFile = new Option<string?>("--gates") { Description = "Quality gates file (JSON): {\"gates\": [\"1080p:vmaf.p5>=70\", ...]}" };
        var gate = new Option<string[]>("--gate")
        {
            Description = "A quality gate, repeatable: [RENDITION|GLOB:]METRIC.STAT>=N (or <=) [@encode|@source]; a failed gate exits 3",
            AllowMultipleArgumentsPerToken = false,
        };
        var sampleRate = new Option<double>("--sample-rate")
        {
            Description = "Share of runs scored (0 to 1), decided from --job-id, else from the source path and ladder", DefaultValueFactory = _ => 1.0,
        };
        var segmentDuration = new Option<string?>("--segment-duration")
        {
            Description = "Pool scores per segment of this many seconds (each starts on a forced IDR), or keyint (the encoder's own GOP): NAME.segments.json",
        };
        var sourceErrors = new Option<string>("--source-errors")
        {
            Description = "fail: a damaged source picture stops the run (exit 1); conceal: the decoder conceals it, the run goes on and counts it (log, summary, segments' errors)",
            DefaultValueFactory = _ => "fail",
        };
        sourceErrors.AcceptOnlyFromAmong("fail", "conceal");
        var subsample = new Option<int>("--subsample") { Description = "Score every Nth frame (VMAF's motion still sees every frame)", DefaultValueFactory = _ => EncodeRequest.Defaults.Subsample };
        var failOnLadder = new Option<bool>("--fail-on-ladder") { Description = "Ladder checks (inversion, bitrate order, knee) fail the run with exit 3 instead of warning" };
        var inversionTolerance = new Option<double>("--inversion-tolerance")
        {
            Description = "VMAF by which a smaller rung may score above a bigger one before it is an inversion",
            DefaultValueFactory = _ => new LadderCheckOptions().InversionTolerance,
        };
        var kneeGain = new Option<double>("--knee-gain")
        {
            Description = "Least VMAF a step up should gain per doubling of bitrate before it is a knee",
            DefaultValueFactory = _ => new LadderCheckOptions().KneeGain,
        };
        var logJson = SharedOptions.LogJson();
        var verbose = SharedOptions.Verbose();
        var quiet = SharedOptions.Quiet();
        var noProgress = SharedOptions.NoProgress();

        var cmd = new Command("encode", "Encode a ladder with x264/x265 and score every rendition from the encoders' recon.\n\nExample:\n  eq encode in.mp4 --ladder default --out out --score-at both --gate 'vmaf.p5>=70'")
        {
            source, ladder, outDir, scoreAt, container, metrics, threads, frames, maxRungs, gatesFile, gate, sampleRate, subsample, failOnLadder,
            inversionTolerance, kneeGain, segmentDuration, sourceErrors, vmafEngine, vmafModel, store, jobId, size, fps, logJson, verbose, quiet, noProgress,
        };
        cmd.SetAction((p, ct) =>
        {
        var (display, console) = SharedOptions.Progress(p.GetValue(quiet), p.GetValue(noProgress), p.GetValue(frames));
        return CommandRunner.Run(p.GetValue(logJson), p.GetValue(verbose),
            () => RunInputs.None.With("source", p.GetValue(source)).With("ladder", p.GetValue(ladder)).With("model", p.GetValue(vmafModel))
                .With("gates", p.GetValue(gatesFile)).With("store", SharedOptions.StoreFile(p.GetValue(store))), async (log, _) =>
        {
            using var shown = display?.LoggingTo(log);
            string src = p.GetValue(source)!;
            if (p.GetValue(maxRungs) < 1) throw new InputException("--max-rungs must be at least 1");
            if (p.GetValue(frames) < 0) throw new InputException("--frames must be 0 (all) or more");
            string? ladderFile = p.GetValue(ladder) is "default" ? null : p.GetValue(ladder);
            var job = new EncodeJob
            {
                Encode = new EncodeRequest
                {
                    Source = src,
                    SourceOptions = SharedOptions.SourceOptionsFor(src, p.GetValue(size), p.GetValue(fps), p.GetValue(sourceErrors) == "conceal"),
                    Ladder = ladderFile is null ? null : LadderParser.Load(ladderFile, p.GetValue(maxRungs)),
                    ScoreAt = ParseScoreAt(p.GetValue(scoreAt)!),
                    Metrics = catalog.Parse(p.GetValue(metrics)!),
                    Container = p.GetValue(container)!,
                    EncoderThreads = p.GetValue(threads),
                    MaxFrames = p.GetValue(frames),
                    Subsample = p.GetValue(subsample),
                    Segments = p.GetValue(segmentDuration) is { } seg ? SegmentPlan.Parse(seg) : null,
                },
                Out = p.GetValue(outDir)!,
                SampleRate = p.GetValue(sampleRate),
                Gates = [.. p.GetValue(gatesFile) is { } file ? GateFile.Load(file) : [], .. (p.GetValue(gate) ?? []).Select(Gate.Parse)],
                Checks = new LadderCheckOptions(p.GetValue(inversionTolerance), p.GetValue(kneeGain), p.GetValue(failOnLadder)),
                VmafModel = p.GetValue(vmafModel),
                VmafEngine = p.GetValue(vmafEngine)!,
                JobId = p.GetValue(jobId),
                InputFiles = [("ladder", ladderFile), ("model", p.GetValue(vmafModel)), ("gates", p.GetValue(gatesFile))],
            };
            IReadOnlyList<IResultSink> stores = [.. SharedOptions.StoreSinks(p.GetValue(store), log), .. display is null ? [] : new IResultSink[] { display }];
            var run = await SharedOptions.Stored(job.Out, p.GetValue(store), () => job.Run(catalog, stores, log, ct));
            Console.Out.Write(ResultTable.Render(run));
            Verdict.Report(run, log);
        }, console);
        });
        return cmd;
    }

    public static ScoreAt ParseScoreAt(string s) => s switch
    {
        "encode" => ScoreAt.Encode,
        "source" => ScoreAt.Source,
        _ => ScoreAt.Both,
    };
}
