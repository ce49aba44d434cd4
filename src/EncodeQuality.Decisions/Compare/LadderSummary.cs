using EncodeQuality.Results.Files;
using EncodeQuality.Results.Store;
using EncodeQuality.Model;

namespace EncodeQuality.Decisions.Compare;

/// <summary>One rung of a finished run as a comparison needs it: size, rate, speed and pooled scores per score-at mode.</summary>
public sealed record RungSummary(string Name, string Codec, int Width, int Height, double Kbps, double? EncodeFps,
    IReadOnlyDictionary<ScoreAt, IReadOnlyDictionary<string, PooledScore>> Pooled)
{
    public PooledScore? Score(ScoreAt mode, string metric) =>
        Pooled.TryGetValue(mode, out var m) && m.TryGetValue(metric, out var p) ? p : null;
}

/// <summary>A finished run's ladder, read from an output folder, a summary.json or a store.</summary>
public sealed record LadderSummary(string Label, string Source, IReadOnlyList<RungSummary> Rungs)
{
    /// <summary>A folder holding summary.json, or a summary.json file (its score logs are not needed).</summary>
    public static LadderSummary FromFiles(string path)
    {
        string file = Directory.Exists(path) ? Path.Combine(path, OutputFolder.SummaryName) : path;
        if (!File.Exists(file)) throw new InputException($"{path}: no {OutputFolder.SummaryName} here, so no complete run");
        var summary = SummaryReader.ReadSummary(file);
        return new LadderSummary(path, summary.Source, [.. summary.Renditions.Select(r => Rung(r.Facts, r.Pooled))]);
    }

    /// <summary>A run just finished, from the outcome in memory.</summary>
    public static LadderSummary FromOutcome(RunOutcome run, string label) =>
        new(label, run.Run.Source.Path, [.. run.Renditions.Select(r => Rung(r.Facts, r.Scores.ToDictionary(s => s.Mode, s => s.Pooled)))]);

    private static RungSummary Rung(RenditionFacts f, IReadOnlyDictionary<ScoreAt, IReadOnlyDictionary<string, PooledScore>> pooled) =>
        new(f.Name, f.Codec, f.Width, f.Height, f.BitrateKbps, f.EncodeFps, pooled);

    /// <summary>A stored run, by its id.</summary>
    public static LadderSummary FromStore(ResultStore store, string runId)
    {
        var renditions = StoreQueries.RunRenditions(store, runId);
        if (renditions.Rows.Count == 0) throw new InputException($"run {runId}: not in {store.Location}");
        var series = StoreQueries.RunPooled(store, runId);
        int source = renditions.Column("source_path"), name = renditions.Column("name"), codec = renditions.Column("codec"),
            width = renditions.Column("width"), height = renditions.Column("height"), kbps = renditions.Column("bitrate_kbps"),
            fps = renditions.Column("encode_fps");
        int rung = series.Column("name"), at = series.Column("score_at"), metric = series.Column("metric");
        int[] stats = [.. new[] { "min", "max", "mean", "harmonic_mean", "p1", "p5", "p50", "p95" }.Select(series.Column)];
        var rungs = renditions.Rows.Select(r =>
        {
            var pooled = series.Rows.Where(s => (string)s[rung]! == (string)r[name]!)
                .GroupBy(s => (string)s[at]! == ScoreSet.NameOf(ScoreAt.Source) ? ScoreAt.Source : ScoreAt.Encode)
                .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, PooledScore>)g.ToDictionary(s => (string)s[metric]!, s =>
                {
                    var v = stats.Select(i => D(s[i])).ToArray();
                    return new PooledScore(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
                }));
            return new RungSummary((string)r[name]!, (string)r[codec]!, (int)Convert.ToInt64(r[width]), (int)Convert.ToInt64(r[height]), D(r[kbps]),
                r[fps] is null ? null : D(r[fps]), pooled);
        }).ToList();
        return new LadderSummary($"run {runId}", (string)renditions.Rows[0][source]!, rungs);
    }

    private static double D(object? v) => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture);
}
