using System.Diagnostics;
using EncodeQuality.Results;
using EncodeQuality.Native;
using EncodeQuality.Pipeline;
using EncodeQuality.Metrics;
using EncodeQuality.Model;

namespace EncodeQuality.Application;

/// <summary>
/// eq score and eq vmaf from start to commit: a reference and one or more distorted files decoded
/// and scored, each distorted file recorded as one of the run's renditions (score-at source: it is
/// scored at the reference's size), and the run sent to the sinks (the --json logs, a store) all
/// or nothing.
/// </summary>
public sealed class ScoreRun(MetricCatalog catalog, Serilog.ILogger log)
{
    public RunOutcome Run(string reference, SourceOptions? refOptions, IReadOnlyList<(string Path, SourceOptions? Options)> distorted,
        IReadOnlyList<string> metrics, RunIdentity identity, IReadOnlyList<IResultSink> sinks, CancellationToken ct)
    {
        var recorder = new RunRecorder(identity, sinks);
        var wall = Stopwatch.StartNew();
        FileComparer.Results result;
        try
        {
            result = new FileComparer(catalog, log).Compare(reference, refOptions, distorted, metrics, recorder, ct);
        }
        catch (Exception e)
        {
            recorder.Fail(e);
            throw;
        }
        return recorder.Finish(result.Frames, wall.Elapsed, [.. result.Distorted.Select(d => Rendition(d, result))]);
    }

    private static RenditionOutcome Rendition(FileComparer.Scored scored, FileComparer.Results result)
    {
        var d = scored.Info;
        long bytes = File.Exists(scored.Path) ? new FileInfo(scored.Path).Length : 0;
        double seconds = result.Frames * (double)d.FpsDen / d.FpsNum;
        var facts = new RenditionFacts
        {
            Name = Path.GetFileName(scored.Path), Codec = d.Codec, Width = d.Format.Width, Height = d.Format.Height, BitDepth = d.Format.BitDepth,
            Frames = result.Frames, SizeBytes = bytes, BitrateKbps = bytes * 8 / 1000.0 / seconds, ScoreFps = result.Fps,
            File = Path.GetFullPath(scored.Path),
        };
        return new RenditionOutcome(facts, null, [new ScoreSet(ScoreAt.Source, scored.Sheet)]);
    }
}
