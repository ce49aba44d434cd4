using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using EncodeQuality.Farm.Broker;
using EncodeQuality.Pipeline;
using EncodeQuality.Results;
using EncodeQuality.Model;

namespace EncodeQuality.Farm.Worker;

/// <summary>
/// A job's run as events: job.started when the run starts (with its run id), then job.progress at
/// most once per <paramref name="interval"/> with each rung's frames encoded and scored. The
/// encoder and scorer threads only bump counters; a timer reads them.
/// </summary>
internal sealed class ProgressEvents(JobEvents events, string jobId, int attempt, TimeSpan interval) : IResultSink, IDisposable
{
    private readonly ConcurrentDictionary<string, Counts> _rungs = new();
    private readonly CancellationTokenSource _stop = new();
    private RunStart? _run;

    private sealed class Counts
    {
        public long Encoded;
        public long Scored;
    }

    public bool Essential => false;
    public string Name => "events";
    public string? RunId => _run?.RunId;

    public void RunStarted(RunStart run)
    {
        _run = run;
        _ = events.Raise(JobEvents.Started, jobId, new JsonObject
        {
            ["attempt"] = attempt, ["runId"] = run.RunId, ["source"] = run.Source.Path, ["frames"] = run.FrameCountHint,
        });
        _ = Tick();
    }

    public void RenditionStarted(string rendition, int width, int height) => _rungs.TryAdd(rendition, new Counts());

    public void FrameEncoded(string rendition, long frames)
    {
        if (_rungs.TryGetValue(rendition, out var c)) Volatile.Write(ref c.Encoded, frames);
    }

    public void FrameScored(string rendition, ScoreAt mode, long frame, ScoreSheet sheet)
    {
        // Both score-at modes count: progress is work done, not frames shown.
        if (_rungs.TryGetValue(rendition, out var c)) Interlocked.Increment(ref c.Scored);
    }

    private async Task Tick()
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var rungs = new JsonArray();
                foreach (var (name, c) in _rungs)
                    rungs.Add(new JsonObject { ["name"] = name, ["encoded"] = Volatile.Read(ref c.Encoded), ["scored"] = Interlocked.Read(ref c.Scored) });
                _ = events.Raise(JobEvents.Progress, jobId, new JsonObject { ["attempt"] = attempt, ["runId"] = _run?.RunId, ["renditions"] = rungs });
            }
        }
        catch (OperationCanceledException) { }
    }

    public void Prepare(RunOutcome run) => _stop.Cancel();

    public void Commit() { }

    public void Abort(Exception cause) => _stop.Cancel();

    public void Dispose() => _stop.Cancel();
}
