using EncodeQuality.Pipeline;
using EncodeQuality.Metrics;
using EncodeQuality.Pipeline.Stages;
using EncodeQuality.Vmaf;

namespace EncodeQuality.Results;

/// <summary>The source as a run saw it. <see cref="Hash"/> is a <see cref="SourceFingerprint"/>.</summary>
public sealed record SourceFacts(string Path, string Hash, int Width, int Height, int BitDepth, int FpsNum, int FpsDen, string Codec)
{
    public double Fps => (double)FpsNum / FpsDen;
}

/// <summary>
/// What a run is, fixed when it starts. Kind is "encode" (a ladder) or "score" (two files).
/// Ladder and Settings are JSON texts: the ladder in the ladder-file format, the settings as an object.
/// </summary>
public sealed record RunStart(string RunId, string? JobId, string Kind, SourceFacts Source, string? Ladder, string Settings,
    string Host, string EqVersion, string Libraries, DateTimeOffset StartedAt)
{
    /// <summary>False when sampling decided not to score this run: it encodes, and carries no scores.</summary>
    public bool Sampled { get; init; } = true;

    /// <summary>The source's frame count as its container states it, 0 when unknown; for progress, not stored.</summary>
    public long FrameCountHint { get; init; }

    /// <summary>Every component's version when the run was made (<see cref="ToolVersions"/>), a JSON object.</summary>
    public string Tools { get; init; } = ToolVersions.Json();
}

/// <summary>
/// One rendition's scores at one score-at mode, pooled once here for every consumer (score logs,
/// summary, table, stores) with the one pooling routine, <see cref="PooledScore.Of"/>.
/// </summary>
public sealed class ScoreSet
{
    public ScoreSet(ScoreAt mode, ScoreSheet sheet)
    {
        Mode = mode;
        Sheet = sheet;
        ScoredFrameCount = sheet.ScoredFrames().Count();
        // One column at a time: the copy each pooling sorts is the only per-frame memory, and it is let go at once.
        Pooled = sheet.FeatureNames.ToDictionary(f => f, f => PooledScore.Of(sheet.ScoredValues(f)));
    }

    public ScoreAt Mode { get; }
    public ScoreSheet Sheet { get; }
    /// <summary>The frames that carry scores, ascending, read from the sheet (not kept).</summary>
    public IEnumerable<int> Frames => Sheet.ScoredFrames();
    public int ScoredFrameCount { get; }
    public IReadOnlyDictionary<string, PooledScore> Pooled { get; }
    public IReadOnlyList<string> Metrics => Sheet.FeatureNames;

    /// <summary>"encode" or "source", as files and stores name the mode.</summary>
    public string ModeName => NameOf(Mode);

    public static string NameOf(ScoreAt mode) => mode == ScoreAt.Source ? "source" : "encode";
}

/// <summary>A finished rendition: its facts, where its media waits under a temporary name (encode), its scores.</summary>
public sealed record RenditionOutcome(RenditionFacts Facts, string? MediaTemp, IReadOnlyList<ScoreSet> Scores)
{
    /// <summary>The rendition's scores pooled per segment, when the run has segments.</summary>
    public Segments.RenditionSegments? Segments { get; init; }

    public ScoreSet? At(ScoreAt mode) => Scores.FirstOrDefault(s => s.Mode == mode);
}

/// <summary>
/// A finished run, as every sink receives it, with the quality decisions made on it. Disposing it
/// lets go of its score sheets' temporary files at once (a long-lived worker, after each job);
/// otherwise they go when the sheets are collected.
/// </summary>
public sealed record RunOutcome(RunStart Run, long Frames, TimeSpan Wall, DateTimeOffset FinishedAt, IReadOnlyList<RenditionOutcome> Renditions)
    : IDisposable
{
    public void Dispose()
    {
        foreach (var r in Renditions)
            foreach (var s in r.Scores) s.Sheet.Dispose();
    }

    public IReadOnlyList<Check> Checks { get; init; } = [];

    /// <summary>Source frames the decoder concealed errors in (eq encode --source-errors conceal), ascending.</summary>
    public IReadOnlyList<long> DamagedSourceFrames { get; init; } = [];

    /// <summary>A check that must pass did not: eq exits 3 once the run is committed.</summary>
    public bool Failed => Checks.Any(c => c.Fatal && c.Result == CheckResult.Failed);
}

public enum CheckResult { Passed, Failed, Skipped }

/// <summary>
/// One quality decision about a run, as results record it: a gate or a ladder check (Kind), the
/// rule as the user reads it, the rendition and score-at mode it was measured on, what was
/// measured against what was required, and whether a failure fails the run (Fatal) or warns.
/// </summary>
public sealed record Check(string Kind, string Rule, string? Rendition, ScoreAt? Mode, double? Measured, double? Required,
    CheckResult Result, bool Fatal, string Message);
