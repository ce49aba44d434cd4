namespace EncodeQuality.Results.Store;

/// <summary>The state of a farm job's latest attempt, as the jobs table keeps it.</summary>
public enum JobState { Running, Failed, DeadLettered, Returned }

/// <summary>
/// Writes what a farm worker is doing with a job into the jobs table (schemas 5 and 8), one row per job
/// id. 'done' is not written here: the run's own transaction sets it (<see cref="RunWriter"/>).
/// </summary>
public static class JobLedger
{
    public static void Mark(ResultStore store, string jobId, JobState state, int attempt, string worker, string? message = null)
    {
        string status = state switch
        {
            JobState.Running => "running", JobState.Failed => "failed", JobState.Returned => "returned", _ => "dead-lettered",
        };
        bool postgres = store.Location.IsPostgres;
        var now = RunWriter.Time(DateTimeOffset.UtcNow, postgres);
        using var c = store.Connect();
        store.Guard("record the job's state", () =>
        {
            // A new attempt starts the row's clock; a failure keeps the attempt's start.
            using var cmd = RunWriter.Command(c, null, $"""
                INSERT INTO jobs (job_id, status, attempt, host, worker, started_at, updated_at, message)
                VALUES (@job, @status, @attempt, @host, @worker, @now, @now, @message)
                ON CONFLICT (job_id) DO UPDATE SET status = excluded.status, attempt = excluded.attempt, host = excluded.host,
                    worker = excluded.worker, updated_at = excluded.updated_at, message = excluded.message
                    {(state == JobState.Running ? ", started_at = excluded.started_at" : "")}
                """,
                ("job", jobId), ("status", status), ("attempt", (long)attempt), ("host", Environment.MachineName), ("worker", worker),
                ("now", now), ("message", (object?)message?.Replace('\0', '\uFFFD') ?? DBNull.Value)); // PostgreSQL text takes no NUL
            cmd.ExecuteNonQuery();
        });
    }

    /// <summary>A job's row: its latest attempt's status ('running', 'done', 'failed', 'dead-lettered', 'returned'), worker, attempt and run; null when the store has none.</summary>
    public static (string Status, string? Worker, long Attempt, string? RunId)? Find(ResultStore store, string jobId) =>
        store.Guard("read the job's state", () =>
        {
            using var c = store.Connect();
            using var cmd = RunWriter.Command(c, null, "SELECT status, worker, attempt, run_id FROM jobs WHERE job_id = @job", ("job", jobId));
            using var r = cmd.ExecuteReader();
            if (!r.Read()) return ((string, string?, long, string?)?)null;
            return (r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), Convert.ToInt64(r.GetValue(2)), r.IsDBNull(3) ? null : r.GetString(3));
        });
}
