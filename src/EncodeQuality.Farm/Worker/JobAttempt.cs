using EncodeQuality.Application;
using System.Text.Json;
using System.Text.Json.Nodes;
using EncodeQuality.Decisions.Compare;
using EncodeQuality.Farm.Broker;
using EncodeQuality.Farm.Jobs;
using EncodeQuality.Farm.Telemetry;
using EncodeQuality.Metrics;
using EncodeQuality.Native;
using EncodeQuality.Results;
using EncodeQuality.Results.Files;
using EncodeQuality.Results.Store;
using Serilog;
using EncodeQuality.Model;

namespace EncodeQuality.Farm.Worker;

/// <summary>
/// One delivery of a job, from the message to its settlement:
/// <list type="bullet">
/// <item>a message the schema, the ladder, the gates or the source refuse is an input error:
/// dead-lettered at once with its reason (retrying cannot help);</item>
/// <item>the store must answer before the encode starts, and the run is committed to the output
/// folder and the store (essential, one transaction) before the delivery is acknowledged; while
/// the store is down the delivery is held, not returned, and the job runs again once it is back;</item>
/// <item>any other failure returns the job to the queue, and on the last attempt the queue allows
/// dead-letters it with the reason; a delivery past the limit (its attempts died) is dead-lettered unrun;</item>
/// <item>a failed gate is a result: stored, announced (job.gate-failed), acknowledged.</item>
/// </list>
/// </summary>
internal sealed class JobAttempt(WorkerContext context, Delivery delivery)
{
    private readonly WorkerOptions _options = context.Options;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public async Task RunAsync(CancellationToken abandon)
    {
        using var busy = context.Metrics.Running();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(abandon, delivery.Lost);
        var ct = linked.Token;
        string? jobId = PeekJobId(delivery.Text);
        var log = context.Log.ForContext("JobId", jobId).ForContext("Attempt", delivery.Attempt);

        // A quorum queue delivers a job once more than its limit (RabbitMQ 3.10: limit 3, four
        // deliveries). This worker dead-letters on the last allowed attempt itself, so a delivery
        // past the limit means the earlier attempts died unsettled (a worker killed, the broker
        // lost): a job that kills its workers is not run again, and its dead letter says why.
        if (delivery.Attempt > _options.DeliveryLimit)
        {
            await DeadLetter(jobId, $"attempt {delivery.Attempt} of at most {_options.DeliveryLimit}: the earlier attempts ended without a " +
                "result (a worker died or lost the broker mid-job)", log);
            return;
        }

        JobMessage message;
        MetricCatalog catalog;
        EncodeJob job;
        try
        {
            message = JobMessage.Parse(delivery.Text);
            catalog = context.NewCatalog();
            job = message.ToEncodeJob(catalog, _options.OutRoot, _options.SourceRoots);
        }
        catch (Exception e) when (IsInputError(e))
        {
            await DeadLetter(jobId, e.Message, log);
            return;
        }

        log.Information("Job {JobId}: attempt {Attempt}, source {Source}, out {Out}", message.JobId, delivery.Attempt, job.Encode.Source, job.Out);
        if (!await context.WaitForStore(log, ct))
        {
            await GiveBack(log);
            return;
        }
        try
        {
            if (message.Baseline is { } b) CheckBaseline(b);
        }
        catch (InputException e)
        {
            await DeadLetter(jobId, e.Message, log);
            return;
        }
        if (DuplicateOf(message.JobId, job.Out, log) is { } duplicate)
        {
            await AcknowledgeDuplicate(message.JobId, duplicate, log);
            return;
        }

        RunOutcome run;
        int storeFailures = 0;
        while (true)
        {
            using var progress = new ProgressEvents(context.Events, message.JobId, delivery.Attempt, _options.ProgressInterval);
            // The job's row says running once this attempt holds the output folder (the run has
            // started), so a copy that loses the folder never renames the attempt that runs.
            var running = new RunningMark(() => context.Mark(message.JobId, JobState.Running, delivery.Attempt, null, log));
            try
            {
                run = await job.Run(catalog, [new StoreSink(context.Store, log, essential: true), progress, running], log, ct);
                break;
            }
            catch (OutputFolderHeldException e)
            {
                if (await CopyHolding(message.JobId, log, ct) is { } copy) await AcknowledgeDuplicate(message.JobId, copy, log);
                else await Failed(message.JobId, e, log);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await GiveBack(log, running.Marked ? message.JobId : null);
                return;
            }
            catch (StoreException e) when (++storeFailures < MaxStoreFailures)
            {
                // The files were not made final, or are replaced by the next run: hold the job, not lose it.
                log.Warning("{Error}; the job is held (not acknowledged) and runs again when the store answers", e.Message);
                if (!await context.WaitForStore(log, ct))
                {
                    await GiveBack(log);
                    return;
                }
            }
            catch (Exception e) when (IsInputError(e))
            {
                await DeadLetter(message.JobId, e.Message, log);
                return;
            }
            catch (Exception e)
            {
                await Failed(message.JobId, e, log);
                return;
            }
        }

        using var finished = run;
        var fields = new JsonObject
        {
            ["attempt"] = delivery.Attempt,
            ["runId"] = run.Run.RunId,
            ["out"] = Path.GetFullPath(job.Out),
            ["summary"] = SummaryWriter.Node(run, FileSink.Files),
        };
        if (message.Baseline is { } baseline) fields["comparison"] = Compare(baseline, LadderSummary.FromOutcome(run, job.Out), log);
        string kind = run.Failed ? JobEvents.GateFailed : JobEvents.Finished;
        if (run.Failed)
            log.Warning("Job {JobId}: quality check failed: {Checks}; stored as a result", message.JobId,
                string.Join("; ", run.Checks.Where(c => c.Fatal && c.Result == CheckResult.Failed).Select(c => c.Message)));
        await context.Events.Raise(kind, message.JobId, fields);
        await context.Deliveries.AckAsync(delivery);
        context.Metrics.Stored(run);
        context.Metrics.Settled(run.Failed ? WorkerMetrics.GateFailed : WorkerMetrics.Done, _clock.Elapsed.TotalSeconds);
        log.Information("Job {JobId} done: run {RunId}, {Renditions} renditions{GateFailed}", message.JobId, run.Run.RunId,
            run.Renditions.Count, run.Failed ? ", a gate failed" : "");
    }

    /// <summary>
    /// Why this delivery copies a job that is done (its run is stored) or running now (its row says
    /// running and a live run holds its output folder), or null. A copy submitted twice, or a
    /// delivery whose acknowledgement was lost after the run was stored, is then acknowledged with
    /// a duplicate event instead of run again or retried into the dead letters; the job's row keeps
    /// the attempt that ran. A row left 'running' by a worker that died holds no lock: that is a retry.
    /// </summary>
    private (string Why, string? RunId)? DuplicateOf(string jobId, string outDir, ILogger log)
    {
        try { return Copy(jobId, () => OutputFolder.IsHeld(outDir)); }
        catch (StoreException e)
        {
            log.Warning("Job state not read: {Error}", e.Message);
            return null;
        }
    }

    /// <summary>The job's row as a duplicate's reason: done, or running while <paramref name="held"/> says a live run holds its folder.</summary>
    private (string Why, string? RunId)? Copy(string jobId, Func<bool> held) => JobLedger.Find(context.Store, jobId) switch
    {
        { Status: "done" } r => ($"a duplicate: job {jobId} is done (run {r.RunId})", r.RunId),
        { Status: "running" } r when held() => ($"a duplicate: job {jobId} is running (worker {r.Worker}, attempt {r.Attempt})", null),
        _ => null,
    };

    /// <summary>
    /// The output folder is held by a live run: if the job's row says it is running (or done),
    /// that run is a copy of this job, and this delivery is the duplicate. The holder marks the
    /// row when its run starts, moments after it took the folder, so the row is awaited briefly.
    /// </summary>
    private async Task<(string Why, string? RunId)?> CopyHolding(string jobId, ILogger log, CancellationToken ct)
    {
        for (int i = 0; i < 20 && !ct.IsCancellationRequested; i++)
        {
            try
            {
                if (Copy(jobId, held: () => true) is { } copy) return copy;
            }
            catch (StoreException e)
            {
                log.Warning("Job state not read: {Error}", e.Message);
                return null;
            }
            try { await Task.Delay(TimeSpan.FromMilliseconds(500), ct); }
            catch (OperationCanceledException) { break; }
        }
        return null;
    }

    private async Task AcknowledgeDuplicate(string jobId, (string Why, string? RunId) duplicate, ILogger log)
    {
        log.Warning("Job {JobId}: {Why}; this copy is acknowledged unrun", jobId, duplicate.Why);
        await context.Events.Raise(JobEvents.Duplicate, jobId, new JsonObject
        {
            ["attempt"] = delivery.Attempt, ["reason"] = duplicate.Why, ["runId"] = duplicate.RunId,
        });
        await context.Deliveries.AckAsync(delivery);
    }

    /// <summary>Marks the job running when its run starts (the output folder is then held).</summary>
    private sealed class RunningMark(Action mark) : IResultSink
    {
        /// <summary>Whether this attempt's run started, and the row was marked running.</summary>
        public bool Marked { get; private set; }
        public bool Essential => false;
        public string Name => "jobs table";
        public void RunStarted(RunStart run)
        {
            mark();
            Marked = true;
        }
        public void Prepare(RunOutcome run) { }
        public void Commit() { }
        public void Abort(Exception cause) { }
    }

    /// <summary>
    /// Store failures one attempt outlives by waiting for the store. A store that answers yet keeps
    /// refusing this run is not an outage: the next failure is a processing error like any other.
    /// </summary>
    private const int MaxStoreFailures = 5;

    /// <summary>
    /// The work stopped (a stop's drain ran out, or the channel closed): the job goes back to the
    /// queue whole. A job whose row this attempt marked running (<paramref name="started"/>) is
    /// marked returned before it is requeued, so no other worker holds it yet and the row does not
    /// stay running under a worker that stopped. When the broker took it back, another worker may
    /// already run it: its row is left to that worker.
    /// </summary>
    private async Task GiveBack(ILogger log, string? started = null)
    {
        if (delivery.Lost.IsCancellationRequested)
        {
            log.Warning("The broker took the job back (its channel closed); work on it stopped and it will run again");
            return;
        }
        log.Warning("Stopping: the job returns to the queue unfinished");
        if (started is not null) context.Mark(started, JobState.Returned, delivery.Attempt, "handed back unfinished: the worker stopped", log);
        await context.Deliveries.RequeueAsync(delivery);
    }

    private async Task Failed(string jobId, Exception e, ILogger log)
    {
        string reason = e.Message.ReplaceLineEndings(" ");
        if (delivery.Attempt >= _options.DeliveryLimit)
        {
            await DeadLetter(jobId, $"failed on {delivery.Attempt} attempts; last: {reason}", log);
            return;
        }
        log.Error("Job {JobId} failed on attempt {Attempt}: {Error}; it returns to the queue", jobId, delivery.Attempt, reason);
        context.Mark(jobId, JobState.Failed, delivery.Attempt, reason, log);
        await context.Events.Raise(JobEvents.Failed, jobId, new JsonObject { ["attempt"] = delivery.Attempt, ["reason"] = reason, ["requeued"] = true });
        await context.Deliveries.RequeueAsync(delivery);
        context.Metrics.Settled(WorkerMetrics.Failed, _clock.Elapsed.TotalSeconds);
    }

    private async Task DeadLetter(string? jobId, string reason, ILogger log)
    {
        reason = reason.ReplaceLineEndings(" ");
        log.Error("Job {JobId} dead-lettered to {Queue}: {Reason}", jobId, context.Topology.DeadLetters, reason);
        if (jobId is not null) context.Mark(jobId, JobState.DeadLettered, delivery.Attempt, reason, log);
        await context.Deliveries.DeadLetterAsync(delivery, jobId, reason);
        await context.Events.Raise(JobEvents.DeadLettered, jobId ?? "", new JsonObject
        {
            ["attempt"] = delivery.Attempt, ["reason"] = reason, ["queue"] = context.Topology.DeadLetters,
        });
        context.Metrics.Settled(WorkerMetrics.DeadLettered, _clock.Elapsed.TotalSeconds);
    }

    private void CheckBaseline(string baseline)
    {
        if (File.Exists(baseline) || Directory.Exists(baseline)) return;
        if (StoreQueries.RunRenditions(context.Store, baseline).Rows.Count == 0)
            throw new InputException($"baseline {baseline}: no such file or folder, and no run with this id in the store");
    }

    private JsonNode? Compare(string baseline, LadderSummary made, ILogger log)
    {
        try { return JsonNode.Parse(ComparisonJson.ToJson(RunComparison.Run(baseline, made, context.Store, new CompareOptions()))); }
        catch (Exception e) when (e is InputException or IOException or StoreException or JsonException)
        {
            log.Warning("Comparison with baseline {Baseline} failed: {Error}", baseline, e.Message);
            return new JsonObject { ["error"] = e.Message };
        }
    }

    /// <summary>
    /// What retrying cannot fix: the message, the ladder, the gates, the source. The output folder
    /// is not among them: shared storage that refuses us may be back on the next attempt.
    /// </summary>
    private static bool IsInputError(Exception e) => e is (InputException and not OutputFolderException) or SourceException;

    /// <summary>The job id of a message that may not be valid, for logs and the dead letter.</summary>
    private static string? PeekJobId(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("jobId", out var id)
                && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        }
        catch (JsonException) { return null; }
    }
}
