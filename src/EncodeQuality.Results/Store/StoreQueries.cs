using System.Data.Common;

namespace EncodeQuality.Results.Store;

/// <summary>What a named query may be narrowed by.</summary>
public sealed record QueryFilter(DateTimeOffset? Since = null, string? Rendition = null, string? RunId = null, string ScoreAt = "encode", string Metric = "vmaf");

/// <summary>A query's answer: column names and rows of plain values (text, whole numbers, doubles, null).</summary>
public sealed record QueryResult(IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows)
{
    /// <summary>A column's index by its name: rows are read by the names the query declares, not by position.</summary>
    public int Column(string name) => Columns.ToList().IndexOf(name) is var i and >= 0 ? i
        : throw new InvalidOperationException($"the store's query has no column '{name}'");
}

/// <summary>
/// The named queries of eq query, each over one view of the schema (Schema/common/0002_queries.sql).
/// </summary>
public static class StoreQueries
{
    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>
    {
        ["profile-percentiles"] = "VMAF mean, p1, p5 and p50 per rendition name over time (--score-at, --rendition, --since)",
        ["bitrate-vs-vmaf"] = "one rendition's kbit/s against its VMAF, run by run (--rendition, --since)",
        ["ladder-inversions"] = "rungs whose VMAF at source size is at or above a larger rung's (--since)",
        ["runs"] = "what the farm did: every run and job with its status, host, worker, attempt and times (--since)",
        ["frames"] = "one rendition's per-frame scores (--rendition, --run (default: its latest run), --score-at, --metric)",
    };

    public static QueryResult Run(ResultStore store, string name, QueryFilter f)
    {
        if (!Descriptions.ContainsKey(name))
            throw new InputException($"unknown query '{name}' (available: {string.Join(", ", Descriptions.Keys)})");
        if (name is "bitrate-vs-vmaf" or "frames" && f.Rendition is null) throw new InputException($"query {name} needs --rendition NAME");
        if (f.ScoreAt is not ("encode" or "source")) throw new InputException("--score-at must be encode or source");
        store.EnsureSchema();
        using var c = store.Connect();
        return store.Guard("run the query", () => name switch
        {
            "profile-percentiles" => Select(c, """
                SELECT started_at, run_id, job_id, rendition, bitrate_kbps, vmaf_mean, vmaf_p1, vmaf_p5, vmaf_p50
                FROM profile_percentiles WHERE score_at = @at
                """ + Since(f) + (f.Rendition is null ? "" : " AND rendition = @rendition") + " ORDER BY rendition, started_at", f),
            "bitrate-vs-vmaf" => Select(c, """
                SELECT started_at, run_id, rendition, width, height, bitrate_kbps, vmaf_encode, vmaf_source
                FROM bitrate_vs_vmaf WHERE rendition = @rendition
                """ + Since(f) + " ORDER BY started_at", f),
            "ladder-inversions" => Select(c, """
                SELECT started_at, run_id, smaller, larger, smaller_vmaf, larger_vmaf, smaller_kbps, larger_kbps
                FROM ladder_inversions WHERE 1 = 1
                """ + Since(f) + " ORDER BY started_at, smaller, larger", f),
            "runs" => Select(c, """
                SELECT job_id, run_id, status, host, worker, attempt, started_at, finished_at, wall_seconds, message
                FROM farm_runs WHERE 1 = 1
                """ + Since(f) + " ORDER BY started_at, job_id", f),
            _ => Frames(c, f),
        });
    }

    private static QueryResult Frames(DbConnection c, QueryFilter f)
    {
        string? run = f.RunId;
        if (run is null)
        {
            using var latest = RunWriter.Command(c, null, """
                SELECT r.id FROM runs r JOIN renditions d ON d.run_id = r.id
                WHERE d.name = @rendition AND r.status = 'complete' ORDER BY r.started_at DESC LIMIT 1
                """, ("rendition", f.Rendition!));
            run = latest.ExecuteScalar() as string ?? throw new InputException($"no stored run has a rendition named '{f.Rendition}'");
        }
        return Select(c, """
            SELECT frame, value FROM frames
            WHERE run_id = @run AND rendition = @rendition AND score_at = @at AND metric = @metric ORDER BY frame
            """, f with { RunId = run });
    }

    /// <summary>A stored run's renditions: source, name, codec, width, height, bitrate_kbps, encode_fps, in ladder order.</summary>
    public static QueryResult RunRenditions(ResultStore store, string runId) => Select(store, """
        SELECT r.source_path, d.name, d.codec, d.width, d.height, d.bitrate_kbps, d.encode_fps
        FROM renditions d JOIN runs r ON r.id = d.run_id WHERE r.id = @run AND r.status = 'complete' ORDER BY d.position
        """, runId);

    /// <summary>A stored run's pooled scores: rendition, score_at, metric, mean, harmonic_mean, min, max, p1, p5, p50, p95.</summary>
    public static QueryResult RunPooled(ResultStore store, string runId) => Select(store, """
        SELECT d.name, s.score_at, s.metric, s.mean, s.harmonic_mean, s.min, s.max, s.p1, s.p5, s.p50, s.p95
        FROM score_series s JOIN renditions d ON d.id = s.rendition_id WHERE d.run_id = @run
        """, runId);

    /// <summary>Any SELECT over one run (@run), values as <see cref="Run"/> gives them.</summary>
    internal static QueryResult Select(ResultStore store, string sql, string runId) => Select(store, sql, new QueryFilter(RunId: runId));

    /// <summary>Any SELECT, its parameters bound from the filter, values as <see cref="Run"/> gives them.</summary>
    internal static QueryResult Select(ResultStore store, string sql, QueryFilter f)
    {
        store.EnsureSchema();
        using var c = store.Connect();
        return store.Guard("read the store", () => Select(c, sql, f));
    }

    private static string Since(QueryFilter f) => f.Since is null ? "" : " AND started_at >= @since";

    private static QueryResult Select(DbConnection c, string sql, QueryFilter f)
    {
        // Bind only the parameters the text uses.
        var parameters = new List<(string, object)>();
        if (sql.Contains("@at")) parameters.Add(("at", f.ScoreAt));
        if (sql.Contains("@since")) parameters.Add(("since", RunWriter.Time(f.Since!.Value, c is Npgsql.NpgsqlConnection)));
        if (sql.Contains("@rendition")) parameters.Add(("rendition", f.Rendition!));
        if (sql.Contains("@run")) parameters.Add(("run", f.RunId!));
        if (sql.Contains("@metric")) parameters.Add(("metric", f.Metric));
        using var cmd = RunWriter.Command(c, null, sql, [.. parameters]);
        using var reader = cmd.ExecuteReader();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (int i = 0; i < row.Length; i++) row[i] = Plain(reader.IsDBNull(i) ? null : reader.GetValue(i));
            rows.Add(row);
        }
        return new QueryResult(columns, rows);
    }

    /// <summary>The same value types from both databases: timestamps as ISO-8601 UTC text, integers as long.</summary>
    private static object? Plain(object? v) => v switch
    {
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)).ToString(RunWriter.TimeFormat, System.Globalization.CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToUniversalTime().ToString(RunWriter.TimeFormat, System.Globalization.CultureInfo.InvariantCulture),
        int i => (long)i,
        float x => (double)x,
        _ => v,
    };
}
