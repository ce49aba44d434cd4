namespace EncodeQuality.Results.Store;

/// <summary>The state of a farm job's latest attempt, as the jobs table keeps it.</summary>
public enum JobState { Running, Failed, DeadLettered }

/// <summary>
/// Writes what a farm worker is doing with a job into the jobs table (schema 5), one row per job
/// id. 'done' is not written here: the run's own transaction sets it (<see cref="RunWriter"/>).
/// </summary>
public static class JobLedger
{
    public static void Mark(ResultStore store, string jobId, JobState state, int attempt, string worker, string? message = null)
    {
        string status = state switch { JobState.Running => "running", JobState.Failed => "failed", _ => "dead-lettered" };
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
                ("now", now), ("message", (object?)message ?? DBNull.Value));
            cmd.ExecuteNonQuery();
        });
    }
}
