using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EncodeQuality.Model;
using EncodeQuality.Results.Store;

namespace EncodeQuality.Report;

/// <summary>
/// The farm-wide page: every run of a store in a window of time, as the figures Vimeo's farm
/// watches (VMAF mean and p5 by rendition over time, percentiles per rendition, bitrate against
/// VMAF with the knee where a cap bites, a rendition before and after its settings change, VMAF at
/// source size across the ladder, inversions, job outcomes and throughput per day).
/// </summary>
public static class FarmReport
{
    /// <summary>A run's bitrate at or above this share of its rung's maxrate counts as held at the cap.</summary>
    public const double CapBites = 0.9;

    public static void Write(ResultStore store, DateTimeOffset since, string path) =>
        ReportPage.Write(path, $"EncodeQuality farm: {store.Location.Description}", Json(FarmHistory.Read(store, since), store.Location.Description), "farm.js");

    /// <summary>One rung of one run: where the figures by rendition start.</summary>
    private sealed record Rung(double Time, string RunId, string Name, string Codec, int Width, int Height, JsonObject Settings, double Kbps,
        double? VmafEncode, double? VmafSource)
    {
        /// <summary>
        /// What makes two runs of a rendition the same ladder version, as the page shows it: the
        /// codec, the size and the other rung keys, in one order (PostgreSQL's jsonb keeps none).
        /// </summary>
        public string Version => $"{Codec} {Width}x{Height} " + string.Join(", ", Keys.Select(k => $"{k} {Text(Settings[k])}"));

        /// <summary>The rung's keys besides its name, codec and size.</summary>
        public IEnumerable<string> Keys =>
            Settings.Select(kv => kv.Key).Where(k => k is not ("name" or "codec" or "height" or "width")).Order(StringComparer.Ordinal);

        public double? Cap => Settings["maxrate"] is JsonValue v && v.TryGetValue(out double cap) ? cap : null;
    }

    public static string Json(FarmHistory h, string store)
    {
        var rungs = h.Renditions.Rows.Select(r => Row(h.Renditions, r)).Select(r => new Rung(Seconds(r["started_at"]), (string)r["run_id"]!, (string)r["rendition"]!,
            (string)r["codec"]!, (int)Number(r["width"])!, (int)Number(r["height"])!, JsonNode.Parse(r["settings"]?.ToString() ?? "{}") as JsonObject ?? [],
            Number(r["bitrate_kbps"])!.Value, Number(r["vmaf_encode"]), Number(r["vmaf_source"]))).ToList();
        // Renditions by picture size (the latest run's), then name: the ladder's order.
        var names = rungs.GroupBy(r => r.Name).OrderBy(g => (long)g.Last().Width * g.Last().Height).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).ToList();
        var percentiles = h.Percentiles.Rows.Select(r => Row(h.Percentiles, r)).ToList();
        var page = new JsonObject
        {
            ["kind"] = "farm",
            ["store"] = store,
            ["since"] = h.Since.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["until"] = h.Until.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["runs"] = rungs.Select(r => r.RunId).Distinct().Count(),
            ["renditions"] = new JsonArray([.. names.Select(n => JsonValue.Create(n))]),
            ["cap_bites"] = CapBites,
            ["history"] = ByMode(percentiles, mode => History(percentiles, mode, names)),
            ["percentiles"] = ByMode(percentiles, mode => Percentiles(percentiles, mode, names)),
            ["rates"] = Rates(rungs, names),
            ["versions"] = Versions(rungs, names),
            ["across"] = Percentiles(percentiles, ScoreSet.NameOf(ScoreAt.Source), names),
            ["inversions"] = Rows(h.Inversions),
            ["days"] = Days(h.Jobs, h.Since, h.Until),
        };
        return page.ToJsonString();
    }

    private static JsonObject ByMode(List<Dictionary<string, object?>> rows, Func<string, JsonArray> figure)
    {
        var o = new JsonObject();
        foreach (var mode in new[] { ScoreAt.Encode, ScoreAt.Source }.Select(ScoreSet.NameOf))
            if (rows.Any(r => (string)r["score_at"]! == mode)) o[mode] = figure(mode);
        return o;
    }

    /// <summary>Each rendition's pooled VMAF run by run, in time order.</summary>
    private static JsonArray History(List<Dictionary<string, object?>> rows, string mode, List<string> names) =>
        [.. names.Select(n => new JsonObject
        {
            ["rendition"] = n,
            ["points"] = new JsonArray([.. rows.Where(r => (string)r["rendition"]! == n && (string)r["score_at"]! == mode).Select(r => new JsonObject
            {
                ["t"] = Seconds(r["started_at"]),
                ["run_id"] = (string)r["run_id"]!,
                ["kbps"] = Number(r["bitrate_kbps"]),
                ["mean"] = Number(r["vmaf_mean"]),
                ["p5"] = Number(r["vmaf_p5"]),
                ["p1"] = Number(r["vmaf_p1"]),
                ["p50"] = Number(r["vmaf_p50"]),
            })]),
        }).Where(o => o["points"]!.AsArray().Count > 0)];

    /// <summary>Each rendition's percentiles over the window: the average of its runs' values, and the worst run's p1 and mean.</summary>
    private static JsonArray Percentiles(List<Dictionary<string, object?>> rows, string mode, List<string> names)
    {
        var a = new JsonArray();
        foreach (var n in names)
        {
            var runs = rows.Where(r => (string)r["rendition"]! == n && (string)r["score_at"]! == mode).ToList();
            if (runs.Count == 0) continue;
            double Avg(string c) => runs.Average(r => Number(r[c])!.Value);
            a.Add(new JsonObject
            {
                ["rendition"] = n,
                ["runs"] = runs.Count,
                ["p1"] = Avg("vmaf_p1"), ["p5"] = Avg("vmaf_p5"), ["p50"] = Avg("vmaf_p50"), ["mean"] = Avg("vmaf_mean"),
                ["worst_p1"] = runs.Min(r => Number(r["vmaf_p1"])!.Value),
                ["min_mean"] = runs.Min(r => Number(r["vmaf_mean"])!.Value),
                ["max_mean"] = runs.Max(r => Number(r["vmaf_mean"])!.Value),
            });
        }
        return a;
    }

    /// <summary>
    /// Bitrate against VMAF (at the rung's size) per rendition, run by run. Where the rung has a
    /// maxrate, a run at <see cref="CapBites"/> of it or above is held at the cap: the knee is where
    /// those runs' VMAF falls below the runs the cap left alone.
    /// </summary>
    private static JsonArray Rates(List<Rung> rungs, List<string> names)
    {
        var a = new JsonArray();
        foreach (var n in names)
        {
            var runs = rungs.Where(r => r.Name == n && r.VmafEncode is not null).ToList();
            if (runs.Count == 0) continue;
            bool AtCap(Rung r) => r.Cap is { } cap && r.Kbps >= CapBites * cap;
            var capped = runs.Where(AtCap).ToList();
            var free = runs.Where(r => !AtCap(r)).ToList();
            a.Add(new JsonObject
            {
                ["rendition"] = n,
                ["caps"] = new JsonArray([.. runs.Select(r => r.Cap).OfType<double>().Distinct().Order().Select(c => JsonValue.Create(c))]),
                ["points"] = new JsonArray([.. runs.Select(r => new JsonObject
                {
                    ["t"] = r.Time, ["run_id"] = r.RunId, ["kbps"] = r.Kbps, ["vmaf"] = r.VmafEncode, ["cap_kbps"] = r.Cap, ["at_cap"] = AtCap(r),
                })]),
                ["at_cap"] = capped.Count,
                ["vmaf_at_cap"] = capped.Count == 0 ? null : capped.Average(r => r.VmafEncode!.Value),
                ["vmaf_below_cap"] = free.Count == 0 ? null : free.Average(r => r.VmafEncode!.Value),
            });
        }
        return a;
    }

    /// <summary>Each rendition's runs split where its settings (codec, size, rung keys) change, oldest first, with what changed.</summary>
    private static JsonArray Versions(List<Rung> rungs, List<string> names)
    {
        var a = new JsonArray();
        foreach (var n in names)
        {
            var spans = new List<List<Rung>>();
            foreach (var r in rungs.Where(r => r.Name == n))
                if (spans.Count > 0 && spans[^1][0].Version == r.Version) spans[^1].Add(r);
                else spans.Add([r]);
            var versions = new JsonArray();
            for (int i = 0; i < spans.Count; i++)
            {
                var s = spans[i];
                var scored = s.Where(r => r.VmafEncode is not null).ToList();
                versions.Add(new JsonObject
                {
                    ["from"] = s[0].Time, ["to"] = s[^1].Time, ["runs"] = s.Count,
                    ["setting"] = s[0].Version,
                    ["changed"] = i == 0 ? null : string.Join(", ", Changes(spans[i - 1][0], s[0])),
                    ["kbps"] = s.Average(r => r.Kbps),
                    ["vmaf"] = scored.Count == 0 ? null : scored.Average(r => r.VmafEncode!.Value),
                    ["points"] = new JsonArray([.. scored.Select(r => new JsonObject { ["t"] = r.Time, ["vmaf"] = r.VmafEncode, ["kbps"] = r.Kbps })]),
                });
            }
            a.Add(new JsonObject { ["rendition"] = n, ["versions"] = versions });
        }
        return a;
    }

    private static IEnumerable<string> Changes(Rung before, Rung after)
    {
        if (before.Codec != after.Codec) yield return $"codec {before.Codec} -> {after.Codec}";
        if (before.Width != after.Width || before.Height != after.Height) yield return $"size {before.Width}x{before.Height} -> {after.Width}x{after.Height}";
        foreach (var key in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            string was = Text(before.Settings[key]), now = Text(after.Settings[key]);
            if (was != now) yield return $"{key} {(was.Length == 0 ? "(unset)" : was)} -> {(now.Length == 0 ? "(unset)" : now)}";
        }
    }

    /// <summary>
    /// Every UTC day of the window, idle ones too: how many jobs ended each way, the frames their
    /// runs encoded, and their wall time. A job counts on the day its latest attempt started.
    /// </summary>
    private static JsonArray Days(QueryResult jobs, DateTimeOffset since, DateTimeOffset until)
    {
        var byDay = jobs.Rows.Select(r => Row(jobs, r))
            .ToLookup(r => DateTimeOffset.Parse((string)r["started_at"]!, CultureInfo.InvariantCulture).UtcDateTime.Date);
        var days = new JsonArray();
        for (var d = since.UtcDateTime.Date; d <= until.UtcDateTime.Date; d = d.AddDays(1))
        {
            var g = byDay[d].ToList();
            days.Add(new JsonObject
            {
                ["day"] = d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["t"] = new DateTimeOffset(d, TimeSpan.Zero).ToUnixTimeSeconds(),
                ["outcomes"] = new JsonObject(g.GroupBy(r => (string)r["status"]!).OrderBy(s => s.Key, StringComparer.Ordinal)
                    .Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Count()))),
                ["jobs"] = g.Count,
                ["frames"] = g.Sum(r => Number(r["frames_encoded"]) ?? 0),
                ["wall_seconds"] = g.Sum(r => Number(r["wall_seconds"]) ?? 0),
            });
        }
        return days;
    }

    /// <summary>A query's rows as objects by column name: text as text, numbers as numbers.</summary>
    private static JsonArray Rows(QueryResult q) =>
        [.. q.Rows.Select(r => new JsonObject(q.Columns.Select((c, i) => KeyValuePair.Create(c, r[i] switch
        {
            null => null,
            string text => (JsonNode?)text,
            var v => JsonValue.Create(Number(v)),
        }))))];

    private static Dictionary<string, object?> Row(QueryResult q, object?[] row) =>
        q.Columns.Select((c, i) => (c, row[i])).ToDictionary(x => x.c, x => x.Item2);

    private static double? Number(object? v) => v switch
    {
        null => null,
        double d => d,
        long l => l,
        decimal m => (double)m,
        string s => double.Parse(s, CultureInfo.InvariantCulture),
        _ => Convert.ToDouble(v, CultureInfo.InvariantCulture),
    };

    /// <summary>A stored time as uPlot's time axis takes it: seconds since 1970, to the millisecond (runs may start within one second).</summary>
    private static double Seconds(object? time) => DateTimeOffset.Parse((string)time!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds() / 1000.0;

    private static string Text(JsonNode? v) => v switch
    {
        null => "",
        JsonValue s when s.GetValueKind() == JsonValueKind.String => s.GetValue<string>(),
        _ => v.ToJsonString(),
    };
}
