namespace EncodeQuality.Model;
/// <summary>A finished rendition: its facts, where its media waits under a temporary name (encode), its scores.</summary>
public sealed record RenditionOutcome(RenditionFacts Facts, string? MediaTemp, IReadOnlyList<ScoreSet> Scores)
{
    /// <summary>The rendition's scores pooled per segment, when the run has segments.</summary>
    public RenditionSegments? Segments { get; init; }

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
