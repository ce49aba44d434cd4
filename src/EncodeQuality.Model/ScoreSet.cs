namespace EncodeQuality.Model;
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
