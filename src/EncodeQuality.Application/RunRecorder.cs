using EncodeQuality.Decisions;
using EncodeQuality.Results;
using EncodeQuality.Native;
using EncodeQuality.Native.Frames;
using EncodeQuality.Pipeline;
using EncodeQuality.Pipeline.Ladder;
using EncodeQuality.Model;

namespace EncodeQuality.Application;

/// <summary>Who a run is before it starts: its id, its kind, its source, its settings (a JSON object), the farm's job id if any.</summary>
public sealed record RunIdentity(string Kind, string Source, string Settings, string? JobId = null)
{
    public string RunId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>False when sampling decided not to score this run.</summary>
    public bool Sampled { get; init; } = true;

    /// <summary>
    /// A run's settings as summaries and stores keep them: one JSON object of strings, numbers,
    /// booleans, nulls and string lists. Written directly rather than by JsonSerializer, whose
    /// reflection set-up costs every command about 40 ms before its first frame.
    /// </summary>
    public static string SettingsJson(IEnumerable<KeyValuePair<string, object?>> settings)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var (name, value) in settings.ToDictionary())
            {
                w.WritePropertyName(name);
                switch (value)
                {
                    case null: w.WriteNullValue(); break;
                    case string s: w.WriteStringValue(s); break;
                    case bool b: w.WriteBooleanValue(b); break;
                    case int i: w.WriteNumberValue(i); break;
                    case long l: w.WriteNumberValue(l); break;
                    case double d: w.WriteNumberValue(d); break;
                    case IEnumerable<string> list:
                        w.WriteStartArray();
                        foreach (var item in list) w.WriteStringValue(item);
                        w.WriteEndArray();
                        break;
                    default: throw new ArgumentException($"setting '{name}' has a type JSON settings do not take: {value.GetType().Name}");
                }
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>
/// Turns a run into the sink events and commits the finished run to every sink, all or nothing
/// (<see cref="IResultSink"/>): essential sinks (the files) prepare first and any failure there
/// aborts everything; then the others (a store) prepare; essential sinks commit (the files last,
/// so a farm's store that refuses at COMMIT leaves no final folder), then the others.
/// A non-essential sink that fails is aborted alone and reported after the rest is committed.
/// </summary>
public sealed class RunRecorder(RunIdentity identity, IReadOnlyList<IResultSink> sinkList) : ILadderObserver
{
    // An array, so the per-frame loop below allocates no enumerator.
    private readonly IResultSink[] sinks = [.. sinkList];
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;

    public RunStart? Start { get; private set; }

    public void SourceOpened(SourceInfo source, IReadOnlyList<Rendition> ladder) =>
        Begin(SourceFacts(source, identity.Source), LadderWriter.ToJson(ladder), source.FrameCountHint);

    /// <summary>Starts the run: every sink hears RunStarted.</summary>
    public void Begin(SourceFacts source, string? ladder, long frameCountHint = 0)
    {
        Start = new RunStart(identity.RunId, identity.JobId, identity.Kind, source, ladder, identity.Settings,
            Environment.MachineName, EqBuild.Version, SourceDecoder.LibraryVersions, _started) { Sampled = identity.Sampled, FrameCountHint = frameCountHint, Tools = ToolVersions.Json() };
        foreach (var s in sinks) s.RunStarted(Start);
    }

    public void RenditionStarted(Rendition rendition, VideoFormat format)
    {
        foreach (var s in sinks) s.RenditionStarted(rendition.Name, format.Width, format.Height);
    }

    public void FrameEncoded(string rendition, long frames)
    {
        for (int i = 0; i < sinks.Length; i++) sinks[i].FrameEncoded(rendition, frames);
    }

    public void FrameScored(string rendition, ScoreAt mode, long frame, ScoreSheet sheet)
    {
        for (int i = 0; i < sinks.Length; i++) sinks[i].FrameScored(rendition, mode, frame, sheet);
    }

    /// <summary>
    /// Reports the renditions, makes the quality decisions (<paramref name="judge"/>: gates and
    /// ladder checks) so that every sink records them, and commits the run to every sink.
    /// </summary>
    public RunOutcome Finish(long frames, TimeSpan wall, IReadOnlyList<RenditionOutcome> renditions,
        Judge? judge = null, IReadOnlyList<long>? damagedSource = null)
    {
        var run = new RunOutcome(Start ?? throw new InvalidOperationException("the run never started"), frames, wall, DateTimeOffset.UtcNow, renditions)
        {
            DamagedSourceFrames = damagedSource ?? [],
        };
        if (judge is not null) run = run with { Checks = judge.Decide(run) };
        foreach (var r in renditions)
            foreach (var s in sinks) s.RenditionFinished(r);
        Commit(run);
        return run;
    }

    /// <summary>The run failed before it finished: nothing of it becomes visible anywhere.</summary>
    public void Fail(Exception cause)
    {
        foreach (var s in sinks) s.Abort(cause);
    }

    private void Commit(RunOutcome run)
    {
        var essential = sinks.Where(s => s.Essential).ToList();
        var others = sinks.Where(s => !s.Essential).ToList();
        try
        {
            foreach (var s in essential) s.Prepare(run);
        }
        catch (Exception e)
        {
            Fail(e);
            throw;
        }
        var failures = new List<(IResultSink Sink, Exception Error)>();
        var prepared = new List<IResultSink>();
        foreach (var s in others)
        {
            try
            {
                s.Prepare(run);
                prepared.Add(s);
            }
            catch (Exception e)
            {
                s.Abort(e);
                failures.Add((s, e));
            }
        }
        // Essential sinks that can still refuse (a store) commit before the files become final; if
        // the files then fail, the store holds a run whose job is retried, and the retry replaces it.
        try
        {
            foreach (var s in essential.OrderBy(s => s.MakesFilesFinal)) s.Commit();
        }
        catch (Exception e)
        {
            foreach (var s in sinks) s.Abort(e);
            throw;
        }
        foreach (var s in prepared)
        {
            try { s.Commit(); }
            catch (Exception e)
            {
                s.Abort(e);
                failures.Add((s, e));
            }
        }
        if (failures.Count > 0) throw new ResultSinkException(failures[0].Sink.Name, failures[0].Error);
    }

    /// <summary>The run's source as results record it, fingerprinted.</summary>
    public static SourceFacts SourceFacts(SourceInfo info, string path) => new(
        path, SourceFingerprint.Of(path), info.Format.Width, info.Format.Height, info.Format.BitDepth,
        info.FpsNum, info.FpsDen, info.Codec);

}

/// <summary>A sink that is not essential failed; everything else was committed.</summary>
public sealed class ResultSinkException(string sink, Exception inner)
    : Exception(inner.Message.StartsWith(sink + ":", StringComparison.Ordinal) ? inner.Message : $"{sink}: {inner.Message}", inner)
{
    public string Sink { get; } = sink;
}
