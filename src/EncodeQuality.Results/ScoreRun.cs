using System.Diagnostics;
using EncodeQuality.Native;
using EncodeQuality.Pipeline;
using EncodeQuality.Metrics;

namespace EncodeQuality.Results;

/// <summary>
/// eq score and eq vmaf from start to commit: two files decoded and scored, the distorted file
/// recorded as the run's one rendition (score-at source: it is scored at the reference's size),
/// and the run sent to the sinks (the --json log, a store) all or nothing.
/// </summary>
public sealed class ScoreRun(MetricCatalog catalog, Serilog.ILogger log)
{
    public RunOutcome Run(string reference, SourceOptions? refOptions, string distorted, SourceOptions? distOptions,
        IReadOnlyList<string> metrics, RunIdentity identity, IReadOnlyList<IResultSink> sinks, CancellationToken ct)
    {
        var recorder = new RunRecorder(identity, sinks);
        var wall = Stopwatch.StartNew();
        FileComparer.Result result;
        try
        {
            result = new FileComparer(catalog, log).Compare(reference, refOptions, distorted, distOptions, metrics, recorder, ct);
        }
        catch (Exception e)
        {
            recorder.Fail(e);
            throw;
        }
        var d = result.Distorted;
        long bytes = File.Exists(distorted) ? new FileInfo(distorted).Length : 0;
        double seconds = result.Frames * (double)d.FpsDen / d.FpsNum;
        var facts = new RenditionFacts
        {
            Name = Path.GetFileName(distorted), Codec = d.Codec, Width = d.Format.Width, Height = d.Format.Height, BitDepth = d.Format.BitDepth,
            Frames = result.Frames, SizeBytes = bytes, BitrateKbps = bytes * 8 / 1000.0 / seconds, ScoreFps = result.Fps,
            File = Path.GetFullPath(distorted),
        };
        return recorder.Finish(result.Frames, wall.Elapsed, [new RenditionOutcome(facts, null, [new ScoreSet(ScoreAt.Source, result.Sheet)])]);
    }
}
