using EncodeQuality.Decisions;
using EncodeQuality.Results;
using EncodeQuality.Results.Segments;
using EncodeQuality.Pipeline;
using EncodeQuality.Metrics;
using EncodeQuality.Results.Files;
using Serilog;
using EncodeQuality.Model;

namespace EncodeQuality.Application;

/// <summary>
/// eq encode from start to commit: the output folder is locked and cleaned, the ladder runs with
/// its media under temporary names, and the finished run goes to the files and any other sinks
/// (a store) all or nothing. On failure no file of the run gets its final name.
/// </summary>
public sealed class EncodeRun(MetricCatalog catalog, ILogger log)
{
    /// <summary>The quality decisions (gates, ladder checks) made on the finished run before it is committed.</summary>
    public Judge? Judge { get; init; }

    /// <param name="inputs">Files the run reads besides the source (a ladder file, a model): no output may replace them.</param>
    public async Task<RunOutcome> Run(EncodeRequest request, string outDir, RunIdentity identity, IReadOnlyList<IResultSink> others,
        RunInputs inputs, CancellationToken ct)
    {
        using var folder = OutputFolder.Open(outDir, inputs.With("source", request.Source), log, identity.JobId);
        var files = new FileSink(folder, request.Container, request.Metrics.Count > 0 ? request.ScoreAt : 0, request.Segments is not null);
        var recorder = new RunRecorder(identity, [files, .. others]);
        LadderResult result;
        try
        {
            result = await new LadderRunner(catalog, log).Run(request with { MediaPath = r => files.MediaTemp(r.Name) }, recorder, ct);
        }
        catch (Exception e)
        {
            recorder.Fail(e);
            throw;
        }
        var outcome = recorder.Finish(result.SourceFrames, result.Wall,
            [.. result.Renditions.Select(r => Outcome(r, request, result.SourceInfo, result.DamagedSourceFrames))], Judge, result.DamagedSourceFrames);
        foreach (var r in outcome.Renditions)
            if (r.Segments is { } seg)
            {
                int missed = seg.Segments.Count(g => !g.StartsOnKeyframe);
                if (missed == 0) log.Information("Rendition {Rendition}: {Segments} segments, each starting on a keyframe", r.Facts.Name, seg.Segments.Count);
                else log.Warning("Rendition {Rendition}: {Missed} of {Segments} segments do not start on a keyframe of the output (boundaries_held false)",
                    r.Facts.Name, missed, seg.Segments.Count);
            }
        log.Information("Run {RunId} complete: {Renditions} renditions in {Dir}", outcome.Run.RunId, outcome.Renditions.Count, folder.FullPath);
        return outcome;
    }

    private static RenditionOutcome Outcome(RenditionReport r, EncodeRequest request, EncodeQuality.Native.SourceInfo source, IReadOnlyList<long> damagedSource)
    {
        var scores = new List<ScoreSet>();
        if (r.AtEncode is not null) scores.Add(new ScoreSet(ScoreAt.Encode, r.AtEncode));
        if (r.AtSource is not null) scores.Add(new ScoreSet(ScoreAt.Source, r.AtSource));
        var outcome = new RenditionOutcome(r.Facts with { File = FileSink.MediaName(r.Facts.Name, request.Container) }, r.MediaPath, scores);
        return outcome with { Segments = SegmentScores.Of(outcome, request.Segments, source.FpsNum, source.FpsDen, damagedSource) };
    }

    /// <summary>The run's settings as the store and summary keep them.</summary>
    public static string Settings(EncodeRequest request, IReadOnlyDictionary<string, string?> more) =>
        RunIdentity.SettingsJson(new Dictionary<string, object?>
        {
            ["score_at"] = request.ScoreAt switch { ScoreAt.Both => "both", ScoreAt.Source => "source", _ => "encode" },
            ["metrics"] = request.Metrics,
            ["container"] = request.Container,
            ["encoder_threads"] = request.EncoderThreads,
            ["max_frames"] = request.MaxFrames,
            ["subsample"] = request.Subsample,
            ["segment_duration"] = request.Segments is null ? null : request.Segments.Seconds is { } s ? s : "keyint",
            ["source_errors"] = request.SourceOptions?.ConcealErrors == true ? "conceal" : "fail",
        }.Concat(more.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value))));
}
