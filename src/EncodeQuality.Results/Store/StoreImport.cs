using System.Globalization;
using EncodeQuality.Results.Files;
using EncodeQuality.Model;

namespace EncodeQuality.Results.Store;

/// <summary>
/// eq store import DIR: loads a committed output folder (summary.json and its score logs) into a
/// store, as the run would have written it. The run keeps its id, so importing twice replaces it.
/// A store keeps one run per job id: a folder whose run finished before the stored run of its job
/// is refused unless <c>replace</c> is asked for, so an old folder cannot silently undo a newer result.
/// </summary>
public static class StoreImport
{
    public static RunOutcome Import(ResultStore store, string dir, bool replace = false)
    {
        var run = SummaryReader.Read(dir);
        store.EnsureSchema();
        if (!replace && run.Run.JobId is { } job && StoredRunOf(store, job) is { } stored && stored.RunId != run.Run.RunId
            && stored.FinishedAt > run.FinishedAt)
            throw new InputException($"{dir}: the store holds a newer run of job {job} ({stored.RunId}, finished {Stamp(stored.FinishedAt)}) " +
                $"than this folder's ({run.Run.RunId}, finished {Stamp(run.FinishedAt)}); --replace loads the older one anyway");
        store.Write(run);
        return run;
    }

    private static string Stamp(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The stored run of a job id, if any, and when it finished.</summary>
    private static (string RunId, DateTimeOffset FinishedAt)? StoredRunOf(ResultStore store, string jobId) => store.Guard("read the job's stored run", () =>
    {
        using var c = store.Connect();
        using var cmd = RunWriter.Command(c, null, "SELECT id, finished_at FROM runs WHERE job_id = @job", ("job", jobId));
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return ((string, DateTimeOffset)?)null;
        var finished = r.GetValue(1) switch
        {
            DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
            DateTimeOffset d => d,
            var v => DateTimeOffset.ParseExact(Convert.ToString(v, CultureInfo.InvariantCulture)!, RunWriter.TimeFormat, CultureInfo.InvariantCulture),
        };
        return (r.GetString(0), finished);
    });
}
