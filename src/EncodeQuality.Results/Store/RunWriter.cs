using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using EncodeQuality.Model;

namespace EncodeQuality.Results.Store;

/// <summary>
/// The SQL that writes one run: the run row (replacing a run with the same id or job id, whose
/// rows go with it by ON DELETE CASCADE), its job's row set to done, its renditions, a score series per (rendition, score-at,
/// metric) with the pooled statistics, the segments when the run has them, and the frames: binary COPY on PostgreSQL, one prepared
/// insert on SQLite.
/// </summary>
internal static class RunWriter
{
    public static void Write(DbConnection c, DbTransaction tx, RunOutcome run, bool postgres)
    {
        var start = run.Run;
        Execute(c, tx, "DELETE FROM runs WHERE id = @id OR job_id = @job", ("id", start.RunId), ("job", (object?)start.JobId ?? DBNull.Value));
        string json = postgres ? "CAST({0} AS jsonb)" : "{0}";
        Execute(c, tx, $"""
            INSERT INTO runs (id, job_id, kind, status, source_path, source_hash, source_codec, source_width, source_height,
                              source_bit_depth, source_fps, frames, ladder, settings, host, eq_version, libraries,
                              started_at, finished_at, wall_seconds, sampled, tools)
            VALUES (@id, @job, @kind, 'complete', @path, @hash, @codec, @w, @h, @depth, @fps, @frames,
                    {string.Format(json, "@ladder")}, {string.Format(json, "@settings")}, @host, @eq, @libs, @started, @finished, @wall, @sampled, {string.Format(json, "@tools")})
            """,
            ("id", start.RunId), ("job", (object?)start.JobId ?? DBNull.Value), ("kind", start.Kind), ("path", start.Source.Path),
            ("hash", start.Source.Hash), ("codec", start.Source.Codec), ("w", start.Source.Width), ("h", start.Source.Height),
            ("depth", start.Source.BitDepth), ("fps", start.Source.Fps), ("frames", run.Frames), ("ladder", (object?)start.Ladder ?? DBNull.Value),
            ("settings", start.Settings), ("host", start.Host), ("eq", start.EqVersion), ("libs", start.Libraries),
            ("started", Time(start.StartedAt, postgres)), ("finished", Time(run.FinishedAt, postgres)), ("wall", run.Wall.TotalSeconds),
            ("sampled", start.Sampled), ("tools", start.Tools));
        if (start.JobId is not null)
            Execute(c, tx, """
                INSERT INTO jobs (job_id, status, attempt, host, run_id, started_at, updated_at)
                VALUES (@job, 'done', 1, @host, @id, @started, @finished)
                ON CONFLICT (job_id) DO UPDATE SET status = 'done', host = excluded.host, run_id = excluded.run_id,
                    updated_at = excluded.updated_at, message = NULL
                """,
                ("job", start.JobId), ("host", start.Host), ("id", start.RunId), ("started", Time(start.StartedAt, postgres)),
                ("finished", Time(run.FinishedAt, postgres)));
        foreach (var check in run.Checks)
            Execute(c, tx, """
                INSERT INTO checks (run_id, kind, rule, rendition, score_at, measured, required, result, fatal, message)
                VALUES (@run, @kind, @rule, @rendition, @at, @measured, @required, @result, @fatal, @message)
                """,
                ("run", start.RunId), ("kind", check.Kind), ("rule", check.Rule), ("rendition", (object?)check.Rendition ?? DBNull.Value),
                ("at", check.Mode is { } m ? (object)ScoreSet.NameOf(m) : DBNull.Value), ("measured", (object?)check.Measured ?? DBNull.Value),
                ("required", (object?)check.Required ?? DBNull.Value), ("result", check.Result.ToString().ToLowerInvariant()),
                ("fatal", check.Fatal), ("message", check.Message));

        var series = new List<(long Id, ScoreSet Set, int Column)>();
        for (int i = 0; i < run.Renditions.Count; i++)
        {
            var r = run.Renditions[i];
            var f = r.Facts;
            long renditionId = Scalar(c, tx, $"""
                INSERT INTO renditions (run_id, position, name, codec, width, height, bit_depth, rate_control, settings, frames,
                                        size_bytes, bitrate_kbps, encode_fps, score_fps, file)
                VALUES (@run, @pos, @name, @codec, @w, @h, @depth, @rc, {string.Format(json, "@settings")}, @frames, @bytes, @kbps, @efps, @sfps, @file)
                RETURNING id
                """,
                ("run", start.RunId), ("pos", i), ("name", f.Name), ("codec", f.Codec), ("w", f.Width), ("h", f.Height), ("depth", f.BitDepth),
                ("rc", (object?)f.RateControl ?? DBNull.Value), ("settings", (object?)f.Settings ?? DBNull.Value), ("frames", f.Frames),
                ("bytes", f.SizeBytes), ("kbps", f.BitrateKbps), ("efps", (object?)f.EncodeFps ?? DBNull.Value),
                ("sfps", (object?)f.ScoreFps ?? DBNull.Value), ("file", f.File));
            foreach (var set in r.Scores)
                for (int col = 0; col < set.Metrics.Count; col++)
                {
                    var p = set.Pooled[set.Metrics[col]];
                    long id = Scalar(c, tx, """
                        INSERT INTO score_series (rendition_id, score_at, metric, frames, mean, harmonic_mean, min, max, p1, p5, p50, p95)
                        VALUES (@r, @at, @metric, @n, @mean, @hmean, @min, @max, @p1, @p5, @p50, @p95)
                        RETURNING id
                        """,
                        ("r", renditionId), ("at", set.ModeName), ("metric", set.Metrics[col]), ("n", set.ScoredFrameCount), ("mean", p.Mean),
                        ("hmean", p.HarmonicMean), ("min", p.Min), ("max", p.Max), ("p1", p.P1), ("p5", p.P5), ("p50", p.P50), ("p95", p.P95));
                    series.Add((id, set, col));
                }
            if (r.Segments is not null) WriteSegments(c, tx, renditionId, r.Segments);
        }
        if (c is NpgsqlConnection pg) CopyFrames(pg, series);
        else InsertFrames(c, tx, series);
    }

    private static void WriteSegments(DbConnection c, DbTransaction tx, long renditionId, RenditionSegments segments)
    {
        foreach (var g in segments.Segments)
        {
            long id = Scalar(c, tx, """
                INSERT INTO segments (rendition_id, idx, first_frame, frames, start_seconds, seconds, starts_on_keyframe, mqa_video, errors)
                VALUES (@r, @idx, @first, @frames, @start, @seconds, @key, @mqa, @errors)
                RETURNING id
                """,
                ("r", renditionId), ("idx", (long)g.Index), ("first", g.FirstFrame), ("frames", g.Frames), ("start", g.Start), ("seconds", g.Seconds),
                ("key", g.StartsOnKeyframe), ("mqa", (object?)g.MqaVideo ?? DBNull.Value), ("errors", (long)g.Errors));
            foreach (var (mode, metrics) in g.Pooled)
                foreach (var (metric, p) in metrics)
                    Execute(c, tx, """
                        INSERT INTO segment_scores (segment_id, score_at, metric, mean, min, max, p5, p50)
                        VALUES (@s, @at, @metric, @mean, @min, @max, @p5, @p50)
                        """,
                        ("s", id), ("at", ScoreSet.NameOf(mode)), ("metric", metric), ("mean", p.Mean), ("min", p.Min), ("max", p.Max), ("p5", p.P5), ("p50", p.P50));
        }
    }

    private static void CopyFrames(NpgsqlConnection c, List<(long Id, ScoreSet Set, int Column)> series)
    {
        using var copy = c.BeginBinaryImport("COPY frame_scores (series_id, frame, value) FROM STDIN (FORMAT BINARY)");
        foreach (var (id, set, col) in series)
            foreach (int frame in set.Frames)
            {
                copy.StartRow();
                copy.Write(id, NpgsqlDbType.Bigint);
                copy.Write((long)frame, NpgsqlDbType.Bigint);
                copy.Write(set.Sheet.Get(col, frame), NpgsqlDbType.Double);
            }
        copy.Complete();
    }

    private static void InsertFrames(DbConnection c, DbTransaction tx, List<(long Id, ScoreSet Set, int Column)> series)
    {
        using var cmd = Command(c, tx, "INSERT INTO frame_scores (series_id, frame, value) VALUES (@s, @f, @v)", ("s", 0L), ("f", 0L), ("v", 0.0));
        cmd.Prepare();
        var (s, f, v) = (cmd.Parameters[0], cmd.Parameters[1], cmd.Parameters[2]);
        foreach (var (id, set, col) in series)
            foreach (int frame in set.Frames)
            {
                s.Value = id;
                f.Value = (long)frame;
                v.Value = set.Sheet.Get(col, frame);
                cmd.ExecuteNonQuery();
            }
    }

    /// <summary>One text form for SQLite (which stores text) so times sort as text; timestamptz on PostgreSQL.</summary>
    internal static object Time(DateTimeOffset t, bool postgres) =>
        postgres ? t.ToUniversalTime() : t.ToUniversalTime().ToString(TimeFormat, System.Globalization.CultureInfo.InvariantCulture);

    internal const string TimeFormat = "yyyy-MM-dd HH:mm:ss.fffffffzzz";

    internal static DbCommand Command(DbConnection c, DbTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    private static void Execute(DbConnection c, DbTransaction tx, string sql, params (string, object)[] parameters)
    {
        using var cmd = Command(c, tx, sql, parameters);
        cmd.ExecuteNonQuery();
    }

    private static long Scalar(DbConnection c, DbTransaction tx, string sql, params (string, object)[] parameters)
    {
        using var cmd = Command(c, tx, sql, parameters);
        return Convert.ToInt64(cmd.ExecuteScalar());
    }
}
