using System.Text.Json;
using EncodeQuality.Pipeline;
using EncodeQuality.Results.Files;
using EncodeQuality.Results.Store;
using EncodeQuality.Vmaf;

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
    /// <summary>A folder holding summary.json, or a summary.json file.</summary>
    public static LadderSummary FromFiles(string path)
    {
        string file = Directory.Exists(path) ? Path.Combine(path, OutputFolder.SummaryName) : path;
        if (!File.Exists(file)) throw new InputException($"{path}: no {OutputFolder.SummaryName} here, so no complete run");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            var root = doc.RootElement;
            var rungs = root.GetProperty("renditions").EnumerateArray().Select(r =>
            {
                var pooled = new Dictionary<ScoreAt, IReadOnlyDictionary<string, PooledScore>>();
                foreach (var (key, mode) in new[] { ("scores", ScoreAt.Encode), ("source_scores", ScoreAt.Source) })
                    if (r.TryGetProperty(key, out var scores))
                        pooled[mode] = scores.EnumerateObject().ToDictionary(m => m.Name, m => ScoreLogWriter.ReadPooled(m.Value));
                return new RungSummary(r.GetProperty("name").GetString()!, r.GetProperty("codec").GetString()!, r.GetProperty("width").GetInt32(),
                    r.GetProperty("height").GetInt32(), r.GetProperty("bitrate_kbps").GetDouble(),
                    r.TryGetProperty("encode_fps", out var fps) ? fps.GetDouble() : null, pooled);
            }).ToList();
            return new LadderSummary(path, root.GetProperty("source").GetString()!, rungs);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InputException($"{file}: not a summary eq can read ({e.Message})");
        }
    }

    /// <summary>A stored run, by its id.</summary>
    public static LadderSummary FromStore(ResultStore store, string runId)
    {
        var renditions = StoreQueries.RunRenditions(store, runId);
        if (renditions.Rows.Count == 0) throw new InputException($"run {runId}: not in {store.Location}");
        var series = StoreQueries.RunPooled(store, runId);
        string source = (string)renditions.Rows[0][0]!;
        var rungs = renditions.Rows.Select(r =>
        {
            string name = (string)r[1]!;
            var pooled = series.Rows.Where(s => (string)s[0]! == name)
                .GroupBy(s => (string)s[1]! == "source" ? ScoreAt.Source : ScoreAt.Encode)
                .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, PooledScore>)g.ToDictionary(s => (string)s[2]!,
                    s => new PooledScore(D(s[5]), D(s[6]), D(s[3]), D(s[4]), D(s[7]), D(s[8]), D(s[9]), D(s[10]))));
            return new RungSummary(name, (string)r[2]!, (int)Convert.ToInt64(r[3]), (int)Convert.ToInt64(r[4]), D(r[5]),
                r[6] is null ? null : D(r[6]), pooled);
        }).ToList();
        return new LadderSummary($"run {runId}", source, rungs);
    }

    private static double D(object? v) => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture);
}
