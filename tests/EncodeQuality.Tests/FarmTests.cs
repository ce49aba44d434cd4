using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EncodeQuality.Farm.Broker;
using EncodeQuality.Farm.Worker;
using EncodeQuality.Results.Store;
using EncodeQuality.Tests.Support;
using Npgsql;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace EncodeQuality.Tests;

/// <summary>The farm's real services, started once for the farm tests: a private PostgreSQL and a private RabbitMQ.</summary>
public sealed class FarmServices : IDisposable
{
    public PostgresServer Postgres { get; } = new();
    public RabbitServer Rabbit { get; } = new();

    public void Dispose()
    {
        Rabbit.Dispose();
        Postgres.Dispose();
    }
}

/// <summary>
/// eq worker against the real broker and database, through real worker processes: a worker
/// killed mid-job, poison jobs, a broker restart, a database outage, a drain on SIGTERM, and 50
/// jobs through two workers. What is checked is what the farm promises: every job ends with
/// exactly one complete run in the store and one complete output set, and nothing is lost.
/// </summary>
public partial class FarmTests(FarmServices farm, ITestOutputHelper output) : IClassFixture<FarmServices>
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);

    /// <summary>Two CIF rungs; veryslow makes a 45-frame job last seconds, so a test can act in its middle.</summary>
    private static string Ladder(string preset, string largeKeys = "") =>
        $$"""{"renditions":[{"name":"small","codec":"x264","height":144,"preset":"{{preset}}","crf":28},{"name":"large","codec":"x264","height":288,"preset":"{{preset}}","crf":24{{largeKeys}}}]}""";

    private static string Job(string id, int frames = 45, string preset = "veryslow", string? source = null, string? outDir = null,
        string metrics = """["vmaf","psnr"]""", string largeKeys = "") =>
        $$"""{"version":1,"jobId":"{{id}}","source":{{JsonSerializer.Serialize(source ?? Repo.Media("BA1_FT_C.264"))}},"ladder":{{Ladder(preset, largeKeys)}},"frames":{{frames}},"metrics":{{metrics}}{{(outDir is null ? "" : $",\"out\":{JsonSerializer.Serialize(outDir)}")}}}""";

    /// <summary>A test's own queue, database and output root on the shared services.</summary>
    private (string Queue, string Store, string Root) Fresh(string name) =>
        (Unique("t." + name), farm.Postgres.NewDatabase(), Repo.Scratch("farm-" + name));

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 7)];

    private void Submit(string queue, params string[] jobs) => SubmitWith(queue, [], jobs);

    private void SubmitWith(string queue, string[] options, params string[] jobs)
    {
        string file = Path.Combine(Repo.Scratch("jobs"), "jobs.jsonl");
        File.WriteAllLines(file, jobs);
        var o = EqProcess.Run(["submit", "--amqp", farm.Rabbit.Url, "--queue", queue, .. options, file]);
        Assert.True(o.ExitCode == 0, $"eq submit: exit {o.ExitCode}: {o.StdErr}");
        Assert.Equal(jobs.Length, o.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith("submitted ")));
    }

    private static List<object?[]> Rows(string store, string sql)
    {
        using var c = new NpgsqlConnection(StoreLocation.Parse(store).ConnectionString);
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        using var r = cmd.ExecuteReader();
        var rows = new List<object?[]>();
        while (r.Read())
        {
            var row = new object?[r.FieldCount];
            for (int i = 0; i < row.Length; i++) row[i] = r.IsDBNull(i) ? null : r.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    private static int RunCount(string store, string jobId) => Count(store, $"SELECT count(*) FROM runs WHERE job_id = '{jobId}'");

    private static int Count(string store, string sql)
    {
        try { return Convert.ToInt32(Rows(store, sql)[0][0]); }
        catch (PostgresException e) when (e.SqlState == "42P01") { return 0; } // no schema yet
    }

    /// <summary>The broker's queue counts lag a moment behind (quorum queues report them periodically): wait for them.</summary>
    private void QueueIs(string queue, (int Ready, int Unacked) expected, int seconds = 30) =>
        WaitUntil(() => farm.Rabbit.Queue(queue) == expected, TimeSpan.FromSeconds(seconds), () => $"queue {queue}: {farm.Rabbit.Queue(queue)}, expected {expected}");

    private static void WaitUntil(Func<bool> done, TimeSpan timeout, Func<string> what)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"waited {timeout}: {what()}");
            Thread.Sleep(200);
        }
    }

    /// <summary>
    /// One job's output set is complete and is the stored run's: summary.json names the run the
    /// store has, every file it lists is there, and nothing else is
    /// (no temporary file of an attempt that died, no file of another run).
    /// </summary>
    private static void OutputSetIsTheStoredRun(string store, string outDir, string jobId)
    {
        var stored = Rows(store, $"SELECT id FROM runs WHERE job_id = '{jobId}'");
        Assert.Single(stored);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")))!;
        Assert.Equal((string)stored[0][0]!, (string?)summary["run_id"]);
        var listed = new HashSet<string> { "summary.json" };
        foreach (var r in summary["renditions"]!.AsArray())
            foreach (var (_, f) in r!["files"]!.AsObject()) listed.Add((string)f!);
        var present = Directory.GetFiles(outDir).Select(Path.GetFileName).ToHashSet();
        Assert.True(listed.SetEquals(present!), $"{outDir}: files {string.Join(", ", present)}; summary lists {string.Join(", ", listed)}");
    }

    private WorkerProcess Worker(string name, string store, string root, string queue, params string[] extra) =>
        new(name, farm.Rabbit.Url, store, root, queue, extra);

    private void Show(params WorkerProcess[] workers)
    {
        foreach (var w in workers) output.WriteLine($"--- worker {w.Name}\n{w.Log}");
    }

    [Fact]
    public async Task A_worker_killed_mid_job_costs_nothing_every_job_is_stored_once_with_one_complete_output_set()
    {
        var (queue, store, root) = Fresh("crash");
        await using var events = await FarmEvents.Listen(farm.Rabbit.Url);
        using var a = Worker("A", store, root, queue);
        using var b = Worker("B", store, root, queue);
        var ids = Enumerable.Range(1, 6).Select(i => Unique($"crash{i}")).ToArray();
        Submit(queue, [.. ids.Select(id => Job(id))]);

        var started = events.WaitForAny(JobEvents.Started, Long, e => (string?)e["worker"] == "A");
        string killedJob = (string)started["jobId"]!, killedRun = (string)started["runId"]!;
        Thread.Sleep(300); // inside the job: its encoders are running and its temporary files exist
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(root, killedJob), "*.partial"));
        a.Kill();
        using var restarted = Worker("A2", store, root, queue); // a supervisor brings the machine's worker back

        try
        {
            WaitUntil(() => ids.All(id => RunCount(store, id) == 1) && farm.Rabbit.Queue(queue) == (0, 0), Long,
                () => $"runs: {string.Join(", ", ids.Select(id => $"{id}={RunCount(store, id)}"))}; queue {farm.Rabbit.Queue(queue)}");
        }
        finally { Show(a, b, restarted); }

        Assert.Equal(6, Convert.ToInt32(Rows(store, $"SELECT count(*) FROM runs WHERE job_id LIKE 'crash%'")[0][0]));
        foreach (var id in ids) OutputSetIsTheStoredRun(store, Path.Combine(root, id), id);
        // The killed attempt's run never became the result; another worker finished the job.
        Assert.NotEqual(killedRun, (string)Rows(store, $"SELECT id FROM runs WHERE job_id = '{killedJob}'")[0][0]!);
        var finished = events.WaitFor(killedJob, JobEvents.Finished, Long);
        Assert.NotEqual("A", (string?)finished["worker"]);
        Assert.True((int)finished["attempt"]! >= 2, "the redelivery counts as the job's second attempt");
    }

    [Fact]
    public async Task A_job_that_always_fails_is_dead_lettered_after_the_delivery_limit_an_input_error_at_once_and_a_failed_gate_is_a_result()
    {
        var (queue, store, root) = Fresh("poison");
        await using var events = await FarmEvents.Listen(farm.Rabbit.Url);
        // Storage that refuses the output folder (a file where the folder should be): every attempt fails.
        string blocker = Path.Combine(root, "not-a-folder");
        File.WriteAllText(blocker, "x");
        string poison = Unique("poison"), missing = Unique("missing"), gated = Unique("gated");
        using var w = Worker("P", store, root, queue);
        Submit(queue, Job(poison, frames: 10, preset: "ultrafast", outDir: Path.Combine(blocker, "out")),
            Job(missing, source: Path.Combine(root, "no-such-source.mp4")),
            Job(gated, frames: 10, preset: "ultrafast", metrics: """["psnr"],"gates":["psnr.mean>=99"]"""));

        JsonObject deadPoison, deadMissing, gateFailed;
        try
        {
            deadPoison = events.WaitFor(poison, JobEvents.DeadLettered, Long);
            deadMissing = events.WaitFor(missing, JobEvents.DeadLettered, Long);
            gateFailed = events.WaitFor(gated, JobEvents.GateFailed, Long);
        }
        finally { Show(w); }

        // A failed gate: the run is stored with its verdict, the job acknowledged, never retried.
        Assert.Equal(1, RunCount(store, gated));
        Assert.False((bool)gateFailed["summary"]!["verdict"]!["passed"]!);
        Assert.Empty(events.Of(gated, JobEvents.Failed));
        OutputSetIsTheStoredRun(store, Path.Combine(root, gated), gated);

        // Processing errors: returned to the queue twice, dead-lettered on the third attempt.
        Assert.Equal([1, 2], events.Of(poison, JobEvents.Failed).Select(e => (int)e["attempt"]!).Order());
        Assert.Equal(3, (int)deadPoison["attempt"]!);
        Assert.Contains("failed on 3 attempts", (string)deadPoison["reason"]!);
        Assert.Contains("cannot create the folder", (string)deadPoison["reason"]!);
        // An input error: at once, never retried.
        Assert.Equal(1, (int)deadMissing["attempt"]!);
        Assert.Contains("no such file", (string)deadMissing["reason"]!);
        Assert.Empty(events.Of(missing, JobEvents.Failed));

        WaitUntil(() => farm.Rabbit.Queue(queue) == (0, 0) && farm.Rabbit.Queue(queue + ".dead").Ready == 2, TimeSpan.FromSeconds(30),
            () => $"queue {farm.Rabbit.Queue(queue)}, dead letters {farm.Rabbit.Queue(queue + ".dead")}");
        // The dead letters carry the job and the reason, for whoever empties that queue.
        var reasons = await DeadLetterReasons(queue + ".dead");
        Assert.Contains(reasons, r => r.JobId == missing && r.Reason.Contains("no such file"));
        Assert.Contains(reasons, r => r.JobId == poison && r.Reason.Contains("failed on 3 attempts"));
        var states = Rows(store, $"SELECT job_id, status, attempt FROM jobs WHERE job_id IN ('{poison}', '{missing}') ORDER BY attempt");
        Assert.Equal([(missing, "dead-lettered", 1L), (poison, "dead-lettered", 3L)],
            states.Select(r => ((string)r[0]!, (string)r[1]!, Convert.ToInt64(r[2]))).ToArray());
        Assert.Empty(Rows(store, $"SELECT id FROM runs WHERE job_id IN ('{poison}', '{missing}')"));

        // What an operator sees (the store from EQ_STORE, as a worker's environment gives it).
        var q = EqProcess.RunWith(new Dictionary<string, string?> { ["EQ_STORE"] = store }, "query", "runs", "--format", "json");
        Assert.True(q.ExitCode == 0, q.StdErr);
        var seen = JsonNode.Parse(q.StdOut)!.AsArray().ToDictionary(r => (string)r!["job_id"]!, r => r!);
        Assert.Equal("dead-lettered", (string?)seen[poison]["status"]);
        Assert.Equal(3L, (long)seen[poison]["attempt"]!);
        Assert.Contains("cannot create the folder", (string?)seen[poison]["message"]);
        Assert.Equal("dead-lettered", (string?)seen[missing]["status"]);
        Assert.Equal("gate-failed", (string?)seen[gated]["status"]);
        Assert.Equal("P", (string?)seen[gated]["worker"]);
        Assert.NotNull(seen[gated]["finished_at"]);
    }

    [Fact]
    public async Task A_job_whose_attempts_all_die_is_dead_lettered_unrun_with_the_reason_past_the_delivery_limit()
    {
        var (queue, store, root) = Fresh("crashloop");
        await using var events = await FarmEvents.Listen(farm.Rabbit.Url);
        string id = Unique("crashloop");
        JsonObject dead;
        using (var a = Worker("K1", store, root, queue, "--delivery-limit", "1"))
        {
            SubmitWith(queue, ["--delivery-limit", "1"], Job(id));
            events.WaitFor(id, JobEvents.Started, Long);
            a.Kill(); // the only attempt the limit allows dies with its worker
        }
        using (var b = Worker("K2", store, root, queue, "--delivery-limit", "1"))
        {
            try { dead = events.WaitFor(id, JobEvents.DeadLettered, Long); }
            finally { Show(b); }
        }
        Assert.Equal(2, (int)dead["attempt"]!);
        Assert.Contains("earlier attempts ended without a result", (string)dead["reason"]!);
        Assert.Single(events.Of(id, JobEvents.Started)); // the second delivery was not run
        Assert.Equal(0, RunCount(store, id));
        QueueIs(queue, (0, 0));
        Assert.Contains(await DeadLetterReasons(queue + ".dead"), r => r.JobId == id && r.Reason.Contains("without a result"));
    }

    /// <summary>
    /// Two jobs given the same folder: the second is refused at once (an input error, dead-lettered
    /// with the reason) and the first's files and stored run stay whole.
    /// </summary>
    [Fact]
    public async Task A_job_never_takes_a_folder_that_holds_another_jobs_run()
    {
        var (queue, store, root) = Fresh("shared-out");
        await using var events = await FarmEvents.Listen(farm.Rabbit.Url);
        string first = Unique("first"), second = Unique("second"), shared = Path.Combine(root, "shared");
        using var w = Worker("S", store, root, queue);
        JsonObject dead;
        try
        {
            Submit(queue, Job(first, frames: 10, preset: "ultrafast", outDir: shared));
            events.WaitFor(first, JobEvents.Finished, Long);
            var before = Directory.GetFiles(shared).ToDictionary(f => f, File.ReadAllBytes);
            Submit(queue, Job(second, frames: 10, preset: "ultrafast", outDir: shared));
            dead = events.WaitFor(second, JobEvents.DeadLettered, Long);
            Assert.Equal(before.Keys.Order(), Directory.GetFiles(shared).Order());
            foreach (var (f, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(f));
            OutputSetIsTheStoredRun(store, shared, first);
        }
        finally { Show(w); }
        Assert.Equal(1, (int)dead["attempt"]!);
        Assert.Contains("holds the committed run", (string)dead["reason"]!);
        Assert.Contains($"of job {first}", (string)dead["reason"]!);
        Assert.Empty(events.Of(second, JobEvents.Failed));
        Assert.Equal(0, RunCount(store, second));
        OutputSetIsTheStoredRun(store, shared, first);
    }

    /// <summary>
    /// The same job submitted twice back to back, taken by two workers, and once more after it is done:
    /// each copy is acknowledged as a duplicate (an event says so), never retried into the dead
    /// letters, and the job's row keeps the attempt and worker that ran it.
    /// </summary>
    [Fact]
    public async Task A_job_submitted_twice_runs_once_and_the_copy_is_acknowledged_as_a_duplicate()
    {
        var (queue, store, root) = Fresh("twice");
        await using var events = await FarmEvents.Listen(farm.Rabbit.Url);
        string id = Unique("twice");
        using var a = Worker("A", store, root, queue);
        using var b = Worker("B", store, root, queue);
        JsonObject running, done, finished;
        try
        {
            // Two copies back to back: each worker takes one; whichever comes second is the duplicate.
            Submit(queue, Job(id, preset: "placebo"));
            Submit(queue, Job(id, preset: "placebo"));
            var started = events.WaitFor(id, JobEvents.Started, Long);
            running = events.WaitFor(id, JobEvents.Duplicate, Long);
            finished = events.WaitFor(id, JobEvents.Finished, Long);
            Submit(queue, Job(id, frames: 10, preset: "ultrafast"));
            WaitUntil(() => events.Of(id, JobEvents.Duplicate).Count == 2, Long, () => "the copy of the done job");
            done = events.Of(id, JobEvents.Duplicate)[1];
            Assert.Equal((string)started["worker"]!, (string)finished["worker"]!);
        }
        finally { Show(a, b); }
        Assert.Contains("is running", (string)running["reason"]!);
        Assert.NotEqual((string)running["worker"]!, (string)finished["worker"]!); // the other worker took the copy
        Assert.Contains("is done", (string)done["reason"]!);
        Assert.Equal((string)finished["runId"]!, (string)done["runId"]!);
        Assert.Empty(events.Of(id, JobEvents.DeadLettered));
        Assert.Empty(events.Of(id, JobEvents.Failed));
        Assert.Single(events.Of(id, JobEvents.Started));
        Assert.Equal(1, RunCount(store, id));
        var row = Assert.Single(Rows(store, $"SELECT status, worker, attempt, run_id FROM jobs WHERE job_id = '{id}'"));
        Assert.Equal(("done", (string)finished["worker"]!, 1L, (string)finished["runId"]!),
            ((string)row[0]!, (string)row[1]!, Convert.ToInt64(row[2]), (string)row[3]!));
        OutputSetIsTheStoredRun(store, Path.Combine(root, id), id);
        QueueIs(queue, (0, 0));
        Assert.Equal(0, farm.Rabbit.Queue(queue + ".dead").Ready);
    }

    /// <summary>An encode job whose ladder mixes x264 with SVT-AV1 and rav1e rungs runs through a worker like any other.</summary>
    [Fact]
    public async Task A_job_with_av1_rungs_runs_through_a_worker()
    {
        var (queue, store, root) = Fresh("av1");
        await using var events = await FarmEvents.Listen(farm.Rabbit.Url);
        string id = Unique("av1");
        string ladder = """{"renditions":[{"name":"h264","codec":"x264","height":144,"preset":"ultrafast","crf":28},""" +
            """{"name":"svt","codec":"svtav1","height":144,"preset":"12","crf":40},{"name":"rav1e","codec":"rav1e","height":144,"preset":"10","crf":120}]}""";
        using var w = Worker("A", store, root, queue);
        try
        {
            Submit(queue, $$"""{"version":1,"jobId":"{{id}}","source":{{JsonSerializer.Serialize(Repo.Media("BA1_FT_C.264"))}},"ladder":{{ladder}},"frames":12,"metrics":["vmaf","psnr"]}""");
            events.WaitFor(id, JobEvents.Finished, Long);
        }
        finally { Show(w); }
        Assert.Empty(events.Of(id, JobEvents.Failed));
        Assert.Equal(1, RunCount(store, id));
        var rows = Rows(store, $"SELECT r.name, r.codec, r.frames FROM renditions r JOIN runs u ON u.id = r.run_id WHERE u.job_id = '{id}' ORDER BY r.position");
        Assert.Equal([("h264", "x264", 12L), ("svt", "svtav1", 12L), ("rav1e", "rav1e", 12L)],
            rows.Select(r => ((string)r[0]!, (string)r[1]!, Convert.ToInt64(r[2]))).ToList());
        OutputSetIsTheStoredRun(store, Path.Combine(root, id), id);
        Assert.Equal("av1", Ffmpeg.Probe("-show_entries", "stream=codec_name", "-of", "csv=p=0", Path.Combine(root, id, "svt.mp4")).Trim());
    }

    /// <summary>
    /// Jobs that reach outside the worker's roots (an out through "..", an absolute out elsewhere,
    /// a relative source, a source outside --source-root) are dead-lettered at once with the
    /// reason, and nothing is written outside --out-root; a job inside both roots runs.
    /// </summary>
    [Fact]
    public async Task A_job_that_reaches_outside_its_roots_is_dead_lettered_at_once()
    {
        var (queue, store, root) = Fresh("confined");
        string outside = Repo.Scratch("farm-confined-outside"), sources = Path.GetDirectoryName(Repo.Media("BA1_FT_C.264"))!;
        string source = Path.Combine(outside, "src.264");
        File.Copy(Repo.Media("BA1_FT_C.264"), source, overwrite: true);
        await using var events = await FarmEvents.Listen(farm.Rabbit.Url);
        using var w = Worker("C", store, root, queue, "--source-root", sources);
        string up = Unique("up"), abs = Unique("abs"), rel = Unique("rel"), src = Unique("src"), ok = Unique("ok");
        Submit(queue, Job(up, frames: 10, preset: "ultrafast", outDir: "../" + Path.GetFileName(outside) + "/up"),
            Job(abs, frames: 10, preset: "ultrafast", outDir: Path.Combine(outside, "abs")),
            Job(rel, frames: 10, preset: "ultrafast", source: "BA1_FT_C.264"),
            Job(src, frames: 10, preset: "ultrafast", source: source),
            Job(ok, frames: 10, preset: "ultrafast", outDir: "nested/ok"));
        var dead = new Dictionary<string, JsonObject>();
        try
        {
            foreach (var id in new[] { up, abs, rel, src }) dead[id] = events.WaitFor(id, JobEvents.DeadLettered, Long);
            events.WaitFor(ok, JobEvents.Finished, Long);
        }
        finally { Show(w); }
        foreach (var (id, e) in dead) Assert.Equal(1, (int)e["attempt"]!);
        Assert.Contains("outside the worker's --out-root", (string)dead[up]["reason"]!);
        Assert.Contains("outside the worker's --out-root", (string)dead[abs]["reason"]!);
        Assert.Contains("not an absolute path", (string)dead[rel]["reason"]!);
        Assert.Contains("outside the worker's --source-root", (string)dead[src]["reason"]!);
        Assert.Equal(["src.264"], Directory.GetFileSystemEntries(outside).Select(Path.GetFileName));
        OutputSetIsTheStoredRun(store, Path.Combine(root, "nested", "ok"), ok);
    }

    /// <summary>
    /// x-delivery-count is anyone's to set: a malformed count ("abc") or one the queue never gives
    /// (99) on a job's first delivery is logged and taken as attempt 1; the jobs run and later jobs
    /// are taken (before, "abc" held the delivery forever and 99 dead-lettered it unrun).
    /// </summary>
    [Fact]
    public async Task A_delivery_count_set_by_a_publisher_is_logged_and_taken_as_attempt_1()
    {
        var (queue, store, root) = Fresh("count");
        await using var events = await FarmEvents.Listen(farm.Rabbit.Url);
        using var w = Worker("D", store, root, queue);
        string junk = Unique("junk"), high = Unique("high"), plain = Unique("plain");
        JsonObject a, b, c;
        try
        {
            Submit(queue, Job(plain, frames: 10, preset: "ultrafast")); // declares the queue
            await using (var broker = await Broker())
            {
                foreach (var (id, count) in new (string, object)[] { (junk, Encoding.UTF8.GetBytes("abc")), (high, 99L) })
                    await broker.Channel.BasicPublishAsync("", queue, mandatory: false,
                        new BasicProperties { Persistent = true, Headers = new Dictionary<string, object?> { ["x-delivery-count"] = count } },
                        Encoding.UTF8.GetBytes(Job(id, frames: 10, preset: "ultrafast")));
            }
            c = events.WaitFor(plain, JobEvents.Finished, Long);
            a = events.WaitFor(junk, JobEvents.Finished, Long);
            b = events.WaitFor(high, JobEvents.Finished, Long);
        }
        finally { Show(w); }
        Assert.Equal([1, 1, 1], new[] { a, b, c }.Select(e => (int)e["attempt"]!));
        Assert.Contains("x-delivery-count \"abc\" is not a count the queue gives", w.Log);
        Assert.Contains("x-delivery-count 99 is not a count the queue gives", w.Log);
        // Each job logs the VMAF engine it runs, not only the worker's first.
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(w.Log, "VMAF engine: "));
        Assert.Empty(events.Of(junk, JobEvents.DeadLettered));
        Assert.Empty(events.Of(high, JobEvents.DeadLettered));
        QueueIs(queue, (0, 0));
    }

    /// <summary>
    /// A reason no header can hold (a 1 MB source path) is capped in the dead letter's header, so
    /// the broker keeps the connection and the next job runs; a reason with a NUL byte is stored
    /// (the jobs row says dead-lettered, not running forever).
    /// </summary>
    [Fact]
    public async Task Dead_letter_reasons_of_any_size_or_byte_leave_the_worker_and_the_store_whole()
    {
        var (queue, store, root) = Fresh("reasons");
        await using var events = await FarmEvents.Listen(farm.Rabbit.Url);
        using var w = Worker("R", store, root, queue);
        string huge = Unique("huge"), nul = Unique("nul"), ok = Unique("ok");
        Submit(queue, Job(huge, frames: 10, preset: "ultrafast", source: "/" + new string('a', 1 << 20)),
            Job(nul, frames: 10, preset: "ultrafast", source: Path.Combine(root, "with\0nul.mp4")),
            Job(ok, frames: 10, preset: "ultrafast"));
        try
        {
            events.WaitFor(huge, JobEvents.DeadLettered, Long);
            events.WaitFor(nul, JobEvents.DeadLettered, Long);
            events.WaitFor(ok, JobEvents.Finished, Long);
        }
        finally { Show(w); }
        WaitUntil(() => farm.Rabbit.Queue(queue + ".dead").Ready == 2, TimeSpan.FromSeconds(30), () => $"dead letters {farm.Rabbit.Queue(queue + ".dead")}");
        var reasons = await DeadLetterReasons(queue + ".dead");
        var hugeReason = Assert.Single(reasons, r => r.JobId == huge).Reason;
        Assert.InRange(hugeReason.Length, 100, Deliveries.MaxReason + 1);
        Assert.DoesNotContain("FRAME_ERROR", w.Log);
        var statuses = Rows(store, $"SELECT job_id, status FROM jobs WHERE job_id IN ('{huge}', '{nul}')").ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        Assert.Equal("dead-lettered", statuses[huge]);
        Assert.Equal("dead-lettered", statuses[nul]);
        QueueIs(queue, (0, 0));
    }

    /// <summary>
    /// A dead letter the broker refuses (its exchange deleted by an operator: a channel error)
    /// costs that job an attempt and nothing else: once the exchange is back, the next poison job
    /// is dead-lettered by the worker with its reason. Before, every dead letter went through one
    /// channel, which the first refusal closed for good, so later ones were only requeued until
    /// the queue's delivery limit dropped them there without a reason.
    /// </summary>
    [Fact]
    public async Task A_dead_letter_the_broker_refuses_closes_no_channel_a_later_job_needs()
    {
        var (queue, store, root) = Fresh("refused");
        await using var events = await FarmEvents.Listen(farm.Rabbit.Url);
        using var w = Worker("X", store, root, queue);
        string ok = Unique("ok"), first = Unique("first"), second = Unique("second");
        var topology = new BrokerTopology(queue);
        await using var broker = await Broker();
        var ch = broker.Channel;
        try
        {
            Submit(queue, Job(ok, frames: 10, preset: "ultrafast")); // declares the queue; the worker consumes it
            events.WaitFor(ok, JobEvents.Finished, Long);
            await ch.ExchangeDeleteAsync(topology.DeadLetters);
            // Published directly: eq submit would declare the exchange again.
            await ch.BasicPublishAsync("", queue, mandatory: false, new BasicProperties { Persistent = true },
                Encoding.UTF8.GetBytes(Job(first, frames: 10, preset: "ultrafast", source: "BA1_FT_C.264")));
            WaitUntil(() => w.Log.Contains("the job returns to the queue"), TimeSpan.FromSeconds(60), () => "no dead letter was refused");
            await topology.DeclareAsync(ch, CancellationToken.None);
            Submit(queue, Job(second, frames: 10, preset: "ultrafast", source: "BA1_FT_C.264"));
            events.WaitFor(second, JobEvents.DeadLettered, Long);
        }
        finally { Show(w); }
        Assert.Contains(await DeadLetterReasons(queue + ".dead"), r => r.JobId == second && r.Reason.Contains("not an absolute path"));
        QueueIs(queue, (0, 0));
    }

    /// <summary>
    /// eq doctor logs in to the broker for real: a wrong password and a port that is not AMQP (the
    /// PostgreSQL one) fail, the right credentials pass. A worker whose credentials are refused
    /// exits 1 with the broker's reason instead of retrying forever.
    /// </summary>
    [Fact]
    public void Doctor_and_worker_find_refused_credentials_at_once()
    {
        string wrong = farm.Rabbit.Url.Replace("guest:guest@", "guest:wrong@");
        Finding(EqProcess.Run("doctor", "--amqp", farm.Rabbit.Url), ok: true, "accepts user 'guest'");
        Finding(EqProcess.Run("doctor", "--amqp", wrong), ok: false, "refused user 'guest'");
        Finding(EqProcess.Run("doctor", "--amqp", $"amqp://guest:guest@127.0.0.1:{farm.Postgres.Port}/"), ok: false, "cannot connect");

        var clock = Stopwatch.StartNew();
        var worker = EqProcess.Run("worker", "--amqp", wrong, "--store", Path.Combine(Repo.Scratch("refused-worker"), "s.db"));
        Assert.True(worker.ExitCode == 1, $"exit {worker.ExitCode}: {worker.StdErr}");
        Assert.Contains("refused user 'guest'", Assert.Single(worker.Errors));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the worker took {clock.Elapsed} to give up");
    }

    private static void Finding(EqProcess.Outcome o, bool ok, string says)
    {
        var line = o.StdOut.Split('\n').Concat(o.StdErr.Split('\n')).Single(l => l.Contains("rabbitmq"));
        Assert.True(line.TrimStart().StartsWith(ok ? "OK" : "FAIL"), line);
        Assert.Contains(says, line);
    }

    private async Task<List<(string JobId, string Reason)>> DeadLetterReasons(string deadQueue)
    {
        await using var broker = await Broker();
        var found = new List<(string, string)>();
        while (await broker.Channel.BasicGetAsync(deadQueue, autoAck: false) is { } m)
        {
            var job = JsonNode.Parse(m.Body.Span)!;
            found.Add(((string)job["jobId"]!, Encoding.UTF8.GetString((byte[])m.BasicProperties.Headers!["x-eq-reason"]!)));
        }
        return found; // not acknowledged: they stay in the dead-letter queue when the channel closes
    }

    /// <summary>A channel of the test's own on the broker, closed with its connection: to publish around eq submit, read dead letters, change the topology.</summary>
    private async Task<BrokerChannel> Broker()
    {
        var connection = await new ConnectionFactory { Uri = new Uri(farm.Rabbit.Url) }.CreateConnectionAsync();
        return new BrokerChannel(connection, await connection.CreateChannelAsync());
    }

    private sealed class BrokerChannel(IConnection connection, IChannel channel) : IAsyncDisposable
    {
        public IChannel Channel => channel;

        public async ValueTask DisposeAsync()
        {
            await channel.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_broker_restart_mid_job_the_worker_reconnects_drops_the_void_delivery_and_the_job_ends_done_once()
    {
        var (queue, store, root) = Fresh("restart");
        await using var events = await FarmEvents.Listen(farm.Rabbit.Url);
        using var w = Worker("R", store, root, queue);
        string id = Unique("restart");
        Submit(queue, Job(id, frames: 60));
        events.WaitFor(id, JobEvents.Started, Long);
        farm.Rabbit.Stop();
        farm.Rabbit.Start();
        try
        {
            WaitUntil(() => RunCount(store, id) == 1 && farm.Rabbit.Queue(queue) == (0, 0), Long,
                () => $"runs {RunCount(store, id)}, queue {farm.Rabbit.Queue(queue)}");
        }
        finally { Show(w); }
        Assert.False(w.HasExited, "the worker survives the broker restart");
        Assert.Contains("Reconnected to the broker", w.Log);
        OutputSetIsTheStoredRun(store, Path.Combine(root, id), id);
        // The delivery in hand died with the channel; the job's run came from a later attempt.
        Assert.Contains("The broker took the job back", w.Log);
        Assert.True(Convert.ToInt64(Rows(store, $"SELECT attempt FROM jobs WHERE job_id = '{id}'")[0][0]) >= 2);
    }

    [Fact]
    public async Task While_the_database_is_down_the_job_is_held_unacknowledged_and_completes_once_it_is_back()
    {
        var (queue, store, root) = Fresh("db");
        await using var events = await FarmEvents.Listen(farm.Rabbit.Url);
        using var w = Worker("D", store, root, queue);
        string id = Unique("dbdown");
        Submit(queue, Job(id));
        events.WaitFor(id, JobEvents.Started, Long);
        farm.Postgres.Stop(); // mid-job: the run cannot be stored when it ends
        try
        {
            WaitUntil(() => w.Log.Contains("the job is held"), Long, () => "the worker never found the store down");
            QueueIs(queue, (0, 1)); // delivered, not acknowledged, not returned
            for (int i = 0; i < 5; i++)
            {
                Thread.Sleep(1000);
                Assert.Equal((0, 1), farm.Rabbit.Queue(queue));
            }
            Assert.Empty(events.Of(id, JobEvents.Finished));
            Assert.False(File.Exists(Path.Combine(root, id, "summary.json")), "no output set is complete while its run is not stored");
        }
        finally { farm.Postgres.Start(); }
        try { events.WaitFor(id, JobEvents.Finished, Long); }
        finally { Show(w); }
        QueueIs(queue, (0, 0));
        Assert.Equal(1, RunCount(store, id));
        OutputSetIsTheStoredRun(store, Path.Combine(root, id), id);
    }

    /// <summary>
    /// A store that refuses the run, when it is written or only at COMMIT (a deferred constraint
    /// trigger): retried, then dead-lettered, and no attempt leaves a final folder, because the
    /// files become final only after the store has committed.
    /// </summary>
    [Theory]
    [InlineData("CREATE TRIGGER refuse BEFORE INSERT ON runs FOR EACH ROW EXECUTE FUNCTION refuse_runs();")]
    [InlineData("CREATE CONSTRAINT TRIGGER refuse AFTER INSERT ON runs DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_runs();")]
    public async Task A_store_that_answers_but_refuses_the_run_is_a_processing_error_not_an_endless_hold(string trigger)
    {
        var (queue, store, root) = Fresh("refuse");
        Assert.Equal(0, EqProcess.Run("query", "runs", "--store", store).ExitCode); // creates the schema
        using (var c = new NpgsqlConnection(StoreLocation.Parse(store).ConnectionString))
        {
            c.Open();
            using var cmd = new NpgsqlCommand($$"""
                CREATE FUNCTION refuse_runs() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'runs are refused here'; END $$;
                {{trigger}}
                """, c);
            cmd.ExecuteNonQuery();
        }
        await using var events = await FarmEvents.Listen(farm.Rabbit.Url);
        using var w = Worker("S", store, root, queue);
        string id = Unique("refused");
        Submit(queue, Job(id, frames: 10, preset: "ultrafast", metrics: """["psnr"]"""));
        JsonObject dead;
        try { dead = events.WaitFor(id, JobEvents.DeadLettered, Long); }
        finally { Show(w); }
        Assert.Equal(3, (int)dead["attempt"]!);
        Assert.Contains("runs are refused here", (string)dead["reason"]!);
        Assert.Equal([1, 2], events.Of(id, JobEvents.Failed).Select(e => (int)e["attempt"]!).Order());
        Assert.False(File.Exists(Path.Combine(root, id, "summary.json")));
        Assert.Empty(Directory.GetFiles(Path.Combine(root, id)));
        QueueIs(queue, (0, 0));
    }

    [Fact]
    public async Task SIGTERM_mid_job_finishes_it_within_the_drain_timeout_or_returns_it_whole_and_exits_0()
    {
        var (queue, store, root) = Fresh("drain");
        await using var events = await FarmEvents.Listen(farm.Rabbit.Url);

        // Time enough: the running job finishes, is stored and acknowledged, then the worker exits 0.
        string finished = Unique("drain1"), logJson = Path.Combine(root, "worker.log.json");
        using (var w = Worker("T1", store, root, queue, "--drain-timeout", "120", "--log-json", logJson))
        {
            Submit(queue, Job(finished));
            events.WaitFor(finished, JobEvents.Started, Long);
            w.Terminate();
            int code = w.WaitForExit(Long);
            Show(w);
            Assert.Equal(0, code);
        }
        // The structured log: the pipeline's events carry the job id, a rung's events its rendition too.
        var logged = File.ReadAllLines(logJson).Select(l => JsonNode.Parse(l)!["Properties"]!).ToList();
        var pipeline = logged.Where(p => p["Source"] is not null || p["Rendition"] is not null).ToList();
        Assert.True(pipeline.Count(p => p["Rendition"] is not null) >= 4, "two events per rung at least");
        Assert.All(pipeline, p => Assert.Equal(finished, (string?)p["JobId"]));
        events.WaitFor(finished, JobEvents.Finished, TimeSpan.FromSeconds(10));
        Assert.Equal(1, RunCount(store, finished));
        // Progress while it ran (every 0.5 s here): each rung's frames, never more than the job has.
        var progress = events.Of(finished, JobEvents.Progress);
        Assert.NotEmpty(progress);
        Assert.All(progress, e => Assert.All(e["renditions"]!.AsArray(), r =>
        {
            Assert.Contains((string)r!["name"]!, new[] { "small", "large" });
            Assert.InRange((long)r["encoded"]!, 0, 45);
        }));
        Assert.Contains(progress, e => e["renditions"]!.AsArray().Any(r => (long)r!["encoded"]! > 0));
        QueueIs(queue, (0, 0));

        // No time: the job is abandoned cleanly, back in the queue, nothing of it made final; exit 0.
        string returned = Unique("drain2");
        using (var w = Worker("T2", store, root, queue, "--drain-timeout", "0"))
        {
            Submit(queue, Job(returned, frames: 60));
            events.WaitFor(returned, JobEvents.Started, Long);
            w.Terminate();
            int code = w.WaitForExit(TimeSpan.FromSeconds(60));
            Show(w);
            Assert.Equal(0, code);
        }
        QueueIs(queue, (1, 0));
        Assert.Equal(0, RunCount(store, returned));
        Assert.Empty(Directory.GetFiles(Path.Combine(root, returned)));
        // Its row says it was handed back, not running under the worker that stopped; eq query runs shows so.
        Assert.Equal(1, Count(store, $"SELECT count(*) FROM jobs WHERE job_id = '{returned}' AND status = 'returned' AND worker = 'T2'"));
        Assert.Equal(1, Count(store, $"SELECT count(*) FROM farm_runs WHERE job_id = '{returned}' AND status = 'returned'"));
        // And another worker does it, once.
        using (var w = Worker("T3", store, root, queue))
        {
            try { events.WaitFor(returned, JobEvents.Finished, Long); }
            finally { Show(w); }
        }
        Assert.Equal(1, RunCount(store, returned));
        OutputSetIsTheStoredRun(store, Path.Combine(root, returned), returned);
    }

    [Fact]
    public async Task Fifty_jobs_through_two_workers_are_all_done_once_and_the_queue_is_left_empty()
    {
        var (queue, store, root) = Fresh("load");
        var ids = Enumerable.Range(1, 50).Select(i => Unique($"load{i:D2}")).ToArray();
        var jobs = ids.Select(id => Job(id, frames: 10, preset: "ultrafast", metrics: """["psnr"]""")).ToArray();
        var clock = Stopwatch.StartNew();
        // Half through eq submit, half as any AMQP client would publish them (the README's way).
        Submit(queue, jobs[..25]);
        await PublishPlain(queue, jobs[25..]);
        using var a = Worker("L1", store, root, queue);
        using var b = Worker("L2", store, root, queue);
        try
        {
            WaitUntil(() => Count(store, "SELECT count(*) FROM jobs WHERE status = 'done'") == 50, Long,
                () => $"{Count(store, "SELECT count(*) FROM jobs WHERE status = 'done'")} done; queue {farm.Rabbit.Queue(queue)}");
        }
        finally
        {
            if (clock.Elapsed > Long) Show(a, b);
        }
        output.WriteLine($"50 jobs in {clock.Elapsed.TotalSeconds:F1} s with 2 workers: {50 / clock.Elapsed.TotalMinutes:F0} jobs per minute");
        QueueIs(queue, (0, 0));
        var runs = Rows(store, "SELECT job_id FROM runs").Select(r => (string)r[0]!).ToList();
        Assert.Equal(ids.Order(), runs.Order());
        Assert.Equal(2, Rows(store, "SELECT DISTINCT worker FROM jobs").Count); // both workers took jobs
    }

    /// <summary>A job published with nothing but an AMQP client: persistent, JSON, to the jobs queue through the default exchange.</summary>
    private async Task PublishPlain(string queue, IEnumerable<string> jobs)
    {
        var factory = new ConnectionFactory { Uri = new Uri(farm.Rabbit.Url) };
        await using var c = await factory.CreateConnectionAsync();
        await using var ch = await c.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        foreach (var job in jobs)
            await ch.BasicPublishAsync("", queue, mandatory: true, new BasicProperties { Persistent = true, ContentType = "application/json" },
                Encoding.UTF8.GetBytes(job));
    }

    [Fact]
    public async Task Submit_builds_one_job_from_options_and_the_broker_holds_it_persistent_until_a_worker_takes_it()
    {
        string queue = Unique("t.options"), dir = Repo.Scratch("submit-options");
        string ladder = Path.Combine(dir, "ladder.json");
        File.WriteAllText(ladder, Ladder("ultrafast"));
        var o = EqProcess.Run("submit", "--amqp", farm.Rabbit.Url, "--queue", queue, "--source", Repo.Media("BA1_FT_C.264"),
            "--ladder", ladder, "--job-id", "opt-1", "--metrics", "vmaf,psnr", "--gate", "vmaf.p5>=70", "--frames", "12", "--score-at", "both",
            "--segment-duration", "2", "--source-errors", "conceal");
        Assert.True(o.ExitCode == 0, o.StdErr);
        Assert.Equal("submitted opt-1", o.StdOut.Trim());

        await using var broker = await Broker();
        var m = await broker.Channel.BasicGetAsync(queue, autoAck: true);
        Assert.NotNull(m);
        Assert.Equal(DeliveryModes.Persistent, m.BasicProperties.DeliveryMode);
        var job = JsonNode.Parse(m.Body.Span)!;
        Assert.Equal(1, (int)job["version"]!);
        Assert.Equal(Repo.Media("BA1_FT_C.264"), (string?)job["source"]);
        Assert.Equal(JsonNode.Parse(Ladder("ultrafast"))!.ToJsonString(), job["ladder"]!.ToJsonString());
        Assert.Equal(["vmaf", "psnr"], job["metrics"]!.AsArray().Select(x => (string)x!));
        Assert.Equal(["vmaf.p5>=70"], job["gates"]!.AsArray().Select(x => (string)x!));
        Assert.Equal(12, (int)job["frames"]!);
        Assert.Equal("both", (string?)job["scoreAt"]);
        Assert.Equal(2.0, (double)job["segmentDuration"]!);
        Assert.Equal("conceal", (string?)job["sourceErrors"]);
    }

    [Fact]
    public void Submit_checks_every_job_against_the_schema_before_publishing_any()
    {
        string queue = Unique("t.submit");
        string file = Path.Combine(Repo.Scratch("submit"), "jobs.jsonl");
        File.WriteAllLines(file, [Job(Unique("ok")), """{"version":1,"jobId":"bad one","source":"/x","ladder":"default","sampleRate":2}"""]);
        var o = EqProcess.Run("submit", "--amqp", farm.Rabbit.Url, "--queue", queue, file);
        Assert.Equal(1, o.ExitCode);
        var line = Assert.Single(o.Errors);
        Assert.Contains("line 2", line);
        Assert.Contains("jobId", line);
        Assert.Contains("sampleRate is out of range", line);
        Assert.Throws<InvalidOperationException>(() => farm.Rabbit.Ctl("list_queues", "-q", "name").Split('\n').Single(l => l.Trim() == queue));
    }
}
