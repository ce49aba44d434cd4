using System.Globalization;
using System.Text.Json;
using EncodeQuality.Results.Store;
using EncodeQuality.Tests.Support;

namespace EncodeQuality.Tests;

/// <summary>
/// The results store on SQLite and on a private PostgreSQL cluster, through the real command
/// line: what is stored is what the score logs say, retries do not duplicate, import round-trips,
/// the named queries give what a hand computation over the files gives, and a store that fails
/// costs one line and exit 2 but never the files.
/// </summary>
public class StoreTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static readonly string Dir = Repo.Scratch("store");

    /// <summary>Two rungs where the smaller, at a much lower crf, should outscore the larger at source size.</summary>
    private static readonly string Ladder = WriteLadder();

    private static string WriteLadder()
    {
        string path = Path.Combine(Dir, "ladder.json");
        File.WriteAllText(path, """
            {"renditions": [
              {"name": "small", "codec": "x264", "height": 144, "crf": 10, "preset": "veryfast"},
              {"name": "large", "codec": "x265", "height": 288, "crf": 51, "preset": "ultrafast"}
            ]}
            """);
        return path;
    }

    private string NewStore(string kind) => kind == "sqlite" ? Path.Combine(Repo.Scratch("sqlite"), "results.db") : postgres.NewDatabase();

    private static EqProcess.Outcome Encode(string outDir, params string[] extra) =>
        EqProcess.Run(["encode", Repo.Media("BA1_FT_C.264"), "--ladder", Ladder, "--out", outDir, "--frames", "12",
            "--score-at", "both", "--metrics", "vmaf,psnr", "--vmaf-engine", "managed", .. extra]);

    private static void Ok(EqProcess.Outcome o) => Assert.True(o.ExitCode == 0, $"exit {o.ExitCode}: {o.StdErr}");

    /// <summary>Every value of every score log of a folder: (rendition, score_at, metric, frame) -> value.</summary>
    private static Dictionary<(string, string, string, long), double> Logs(string dir)
    {
        var values = new Dictionary<(string, string, string, long), double>();
        using var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "summary.json")));
        foreach (var r in summary.RootElement.GetProperty("renditions").EnumerateArray())
            foreach (var (role, mode) in new[] { ("scores", "encode"), ("source_scores", "source") })
            {
                if (!r.GetProperty("files").TryGetProperty(role, out var file)) continue;
                using var log = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, file.GetString()!)));
                foreach (var f in log.RootElement.GetProperty("frames").EnumerateArray())
                    foreach (var m in f.GetProperty("metrics").EnumerateObject())
                        values[(r.GetProperty("name").GetString()!, mode, m.Name, f.GetProperty("frameNum").GetInt64())] = m.Value.GetDouble();
            }
        return values;
    }

    private static string RunId(string dir)
    {
        using var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "summary.json")));
        return summary.RootElement.GetProperty("run_id").GetString()!;
    }

    private static List<object?[]> Sql(string store, string sql)
    {
        var s = new ResultStore(StoreLocation.Parse(store));
        using var c = s.Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        using var reader = cmd.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (int i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>The stored frames equal the score logs, to the logs' six decimals, none missing and none extra.</summary>
    private static void AssertStoreHoldsFolder(string store, string dir)
    {
        var logs = Logs(dir);
        var stored = Sql(store, $"SELECT rendition, score_at, metric, frame, value FROM frames WHERE run_id = '{RunId(dir)}'");
        Assert.Equal(logs.Count, stored.Count);
        foreach (var row in stored)
        {
            var key = ((string)row[0]!, (string)row[1]!, (string)row[2]!, Convert.ToInt64(row[3]));
            Assert.True(logs.TryGetValue(key, out var expected), $"stored {key} is in no score log");
            Assert.InRange(Convert.ToDouble(row[4]) - expected, -5e-7, 5e-7);
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void Stored_frames_are_the_frames_scored(string kind)
    {
        string store = NewStore(kind), dir = Path.Combine(Dir, $"scored-{kind}");
        Ok(Encode(dir, "--store", store));
        // 12 frames x 2 rungs x 2 modes x (vmaf + 11 features + 3 PSNR planes + psnr_avg_611)
        Assert.Equal(12 * 2 * 2, Logs(dir).Count / Logs(dir).Keys.Select(k => k.Item3).Distinct().Count());
        AssertStoreHoldsFolder(store, dir);
        Assert.Equal("complete", Assert.Single(Sql(store, "SELECT status FROM runs"))[0]);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void A_retried_job_leaves_one_run(string kind)
    {
        string store = NewStore(kind);
        string first = Path.Combine(Dir, $"job1-{kind}"), second = Path.Combine(Dir, $"job2-{kind}");
        Ok(Encode(first, "--store", store, "--job-id", "job-42"));
        Ok(Encode(second, "--store", store, "--job-id", "job-42"));
        var run = Assert.Single(Sql(store, "SELECT id, job_id FROM runs"));
        Assert.Equal(RunId(second), run[0]);
        Assert.Equal(2, Sql(store, "SELECT id FROM renditions").Count);
        AssertStoreHoldsFolder(store, second);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void Import_round_trips_a_folder(string kind)
    {
        string store = NewStore(kind), dir = Path.Combine(Dir, $"import-{kind}");
        Ok(Encode(dir));
        Ok(EqProcess.Run("store", "import", dir, "--store", store));
        Ok(EqProcess.Run("store", "import", dir, "--store", store)); // again: replaces, never duplicates
        Assert.Equal(RunId(dir), Assert.Single(Sql(store, "SELECT id FROM runs"))[0]);
        AssertStoreHoldsFolder(store, dir);
    }

    /// <summary>
    /// Several eq processes using a new SQLite store at once: one creates the schema, the others
    /// wait for it (before, "schema upgrade failed: table runs already exists" in 3 of 6 trials).
    /// </summary>
    [Fact]
    public void Concurrent_first_use_of_a_new_sqlite_store_upgrades_it_once()
    {
        string dir = Path.Combine(Dir, "concurrent-first");
        Ok(Encode(dir));
        string eq = Path.Combine(AppContext.BaseDirectory, "eq.dll");
        for (int trial = 0; trial < 8; trial++)
        {
            string store = NewStore("sqlite");
            // Two imports started back to back, as two farm machines or a script would.
            var both = Enumerable.Range(0, 2).Select(_ =>
            {
                var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
                foreach (var arg in new[] { eq, "store", "import", dir, "--store", store }) psi.ArgumentList.Add(arg);
                return System.Diagnostics.Process.Start(psi)!;
            }).ToList();
            foreach (var p in both)
            {
                string err = p.StandardError.ReadToEnd();
                p.WaitForExit();
                Assert.True(p.ExitCode == 0, $"trial {trial}: exit {p.ExitCode}: {err}");
                p.Dispose();
            }
            Assert.Equal(RunId(dir), Assert.Single(Sql(store, "SELECT id FROM runs"))[0]);
        }
    }

    /// <summary>
    /// An import never lets an older run of a job replace the newer one the store holds: refused
    /// (exit 1, saying which is newer) unless --replace; the newer folder's run stays.
    /// </summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void Import_refuses_an_older_run_of_the_same_job(string kind)
    {
        string store = NewStore(kind), older = Path.Combine(Dir, $"ix1-{kind}"), newer = Path.Combine(Dir, $"ix2-{kind}");
        Ok(Encode(older, "--job-id", "job-ix"));
        Ok(Encode(newer, "--job-id", "job-ix"));
        Ok(EqProcess.Run("store", "import", newer, "--store", store));
        var refused = EqProcess.Run("store", "import", older, "--store", store);
        Assert.True(refused.ExitCode == 1, $"exit {refused.ExitCode}: {refused.StdErr}");
        Assert.Contains($"holds a newer run of job job-ix ({RunId(newer)}", Assert.Single(refused.Errors));
        Assert.Equal(RunId(newer), Assert.Single(Sql(store, "SELECT id FROM runs"))[0]);
        AssertStoreHoldsFolder(store, newer);
        Ok(EqProcess.Run("store", "import", older, "--store", store, "--replace"));
        Assert.Equal(RunId(older), Assert.Single(Sql(store, "SELECT id FROM runs"))[0]);
        Ok(EqProcess.Run("store", "import", newer, "--store", store)); // the newer one may always come back
        Assert.Equal(RunId(newer), Assert.Single(Sql(store, "SELECT id FROM runs"))[0]);
    }

    /// <summary>numpy's default percentile (linear between closest ranks), written out again here.</summary>
    private static double Percentile(IEnumerable<double> values, double p)
    {
        var v = values.OrderBy(x => x).ToArray();
        double rank = p / 100 * (v.Length - 1);
        int lo = (int)rank;
        return lo + 1 < v.Length ? v[lo] + (rank - lo) * (v[lo + 1] - v[lo]) : v[lo];
    }

    private static List<Dictionary<string, JsonElement>> Query(string store, params string[] args)
    {
        var o = EqProcess.Run(["query", .. args, "--store", store, "--format", "json"]);
        Ok(o);
        return JsonSerializer.Deserialize<List<Dictionary<string, JsonElement>>>(o.StdOut)!;
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void Named_queries_match_a_hand_computation_over_the_files(string kind)
    {
        string store = NewStore(kind), dir = Path.Combine(Dir, $"queries-{kind}");
        Ok(Encode(dir, "--store", store));
        var logs = Logs(dir);
        double[] Vmaf(string r, string mode) => [.. logs.Where(kv => kv.Key.Item1 == r && kv.Key.Item2 == mode && kv.Key.Item3 == "vmaf")
            .OrderBy(kv => kv.Key.Item4).Select(kv => kv.Value)];
        const double Printed = 1e-5; // the logs carry six decimals

        var profiles = Query(store, "profile-percentiles");
        Assert.Equal(["large", "small"], profiles.Select(r => r["rendition"].GetString()));
        foreach (var row in profiles)
        {
            var v = Vmaf(row["rendition"].GetString()!, "encode");
            Assert.InRange(row["vmaf_mean"].GetDouble() - v.Average(), -Printed, Printed);
            Assert.InRange(row["vmaf_p1"].GetDouble() - Percentile(v, 1), -Printed, Printed);
            Assert.InRange(row["vmaf_p5"].GetDouble() - Percentile(v, 5), -Printed, Printed);
            Assert.InRange(row["vmaf_p50"].GetDouble() - Percentile(v, 50), -Printed, Printed);
        }

        // kbit/s of the video stream as ffprobe counts its packets, over 12 frames at the clip's 25 fps.
        var knee = Assert.Single(Query(store, "bitrate-vs-vmaf", "--rendition", "large"));
        long bytes = Ffmpeg.Probe("-select_streams", "v:0", "-show_entries", "packet=size", "-of", "csv=p=0", Path.Combine(dir, "large.mp4"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Sum(l => long.Parse(l.Trim().TrimEnd(','), CultureInfo.InvariantCulture));
        double kbps = bytes * 8 / 1000.0 / (12 / 25.0);
        Assert.InRange(knee["bitrate_kbps"].GetDouble() - kbps, -0.01, 0.01);
        Assert.InRange(knee["vmaf_encode"].GetDouble() - Vmaf("large", "encode").Average(), -Printed, Printed);
        Assert.InRange(knee["vmaf_source"].GetDouble() - Vmaf("large", "source").Average(), -Printed, Printed);

        // small (176x144) against large (352x288) at source size.
        bool inverted = Vmaf("small", "source").Average() >= Vmaf("large", "source").Average();
        Assert.True(inverted, "the test ladder is meant to invert; pick rungs that do");
        var inversion = Assert.Single(Query(store, "ladder-inversions"));
        Assert.Equal(("small", "large"), (inversion["smaller"].GetString(), inversion["larger"].GetString()));
        Assert.InRange(inversion["smaller_vmaf"].GetDouble() - Vmaf("small", "source").Average(), -Printed, Printed);

        var frames = Query(store, "frames", "--rendition", "small", "--score-at", "source", "--metric", "psnr_y");
        Assert.Equal(12, frames.Count);
        for (int f = 0; f < 12; f++)
        {
            Assert.Equal(f, frames[f]["frame"].GetInt64());
            Assert.InRange(frames[f]["value"].GetDouble() - logs[("small", "source", "psnr_y", f)], -5e-7, 5e-7);
        }

        Assert.Empty(Query(store, "profile-percentiles", "--since", DateTimeOffset.UtcNow.AddMinutes(5).ToString("O", CultureInfo.InvariantCulture)));
    }

    private static void AssertStoreFailedFilesKept(EqProcess.Outcome o, string dir, string because)
    {
        Assert.True(o.ExitCode == 2, $"exit {o.ExitCode}: {o.StdErr}");
        var line = Assert.Single(o.Errors);
        Assert.Contains(because, line, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"eq store import '{dir.Replace("'", "'\\''")}' --store '", line); // as a POSIX shell quotes it
        Assert.DoesNotContain("   at ", o.StdErr);
        Assert.True(File.Exists(Path.Combine(dir, "summary.json")), "the files must be committed when only the store failed");
        Assert.Empty(Directory.GetFiles(dir, "*.partial"));
    }

    /// <summary>
    /// A store's password never reaches a message: not when a run is not in the store (report,
    /// compare, qoe), not in eq doctor's OK line, not in the hint after a store failure, which is
    /// quoted for the shell and runs as printed, the password then coming from PGPASSWORD.
    /// </summary>
    [Fact]
    public void A_store_password_never_appears_in_a_message()
    {
        string url = postgres.NewDatabase();
        Ok(EqProcess.Run("query", "runs", "--store", url)); // creates the schema
        string sessions = Path.Combine(Dir, "sessions.json");
        File.WriteAllText(sessions, """{"id": "s", "startup_ms": 0, "player": {"width": 1280, "height": 720}, "end": "completed", "segments": [{"rendition": "r", "seconds": 1}]}""");
        var said = new[]
        {
            EqProcess.Run("report", "nosuchrun", "--store", url, "--out", Path.Combine(Dir, "nosuch.html")),
            EqProcess.Run("compare", "nosuchrun", "nosuchrun", "--store", url),
            EqProcess.Run("qoe", sessions, "--run", "nosuchrun", "--store", url),
            EqProcess.Run("doctor", "--store", url),
        };
        foreach (var o in said) Assert.DoesNotContain(PostgresServer.Password, o.StdOut + o.StdErr);
        foreach (var o in said[..3]) Assert.Contains("run nosuchrun: not in postgres://", Assert.Single(o.Errors));
        Assert.Contains("answers", said[3].StdOut + said[3].StdErr);

        string dir = Path.Combine(Dir, "hint it's");
        var failed = Encode(dir, "--store", postgres.Url(password: "wrong-" + PostgresServer.Password));
        AssertStoreFailedFilesKept(failed, dir, "password");
        string line = Assert.Single(failed.Errors);
        Assert.DoesNotContain(PostgresServer.Password, line);
        string hint = line[(line.IndexOf("load them later with: ") + "load them later with: ".Length)..line.IndexOf(" (the password from")];
        var run = new System.Diagnostics.ProcessStartInfo("sh") { RedirectStandardError = true, RedirectStandardOutput = true };
        run.ArgumentList.Add("-c");
        run.ArgumentList.Add($"dotnet '{Path.Combine(AppContext.BaseDirectory, "eq.dll")}' {hint["eq ".Length..]}");
        run.Environment["PGPASSWORD"] = PostgresServer.Password;
        using (var p = System.Diagnostics.Process.Start(run)!)
        {
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"{hint}: exit {p.ExitCode}: {err}");
        }
        Assert.Single(Sql(postgres.Url(), $"SELECT id FROM runs WHERE id = '{RunId(dir)}'"));
    }

    /// <summary>
    /// Stores are checked before work: a reading command refuses a store that does not exist (it
    /// would make an empty one), a file that is not SQLite is exit 1 before any encoder opens, a
    /// path with "host" and "=" in it is still a file, and a store's failure names it once.
    /// </summary>
    [Fact]
    public void Stores_are_checked_before_work_and_named_once()
    {
        string typo = Path.Combine(Dir, "typo.db");
        var q = EqProcess.Run("query", "runs", "--store", typo);
        Assert.Equal(1, q.ExitCode);
        Assert.Contains("no such store", Assert.Single(q.Errors));
        Assert.False(File.Exists(typo));
        string ghost = Path.Combine(Dir, "st", "ghost=1");
        Directory.CreateDirectory(ghost);
        Assert.Contains($"--store {ghost}/s.db: no such store", Assert.Single(EqProcess.Run("query", "runs", "--store", Path.Combine(ghost, "s.db")).Errors));

        string notSqlite = Path.Combine(Dir, "not-sqlite.db"), dir = Path.Combine(Dir, "not-sqlite-out");
        File.WriteAllText(notSqlite, "these are not the droids");
        var e = Encode(dir, "--store", notSqlite);
        Assert.Equal(1, e.ExitCode);
        Assert.Contains("this file is not an SQLite database", Assert.Single(e.Errors));
        Assert.DoesNotContain("Rendition", e.StdErr);
        Assert.False(File.Exists(Path.Combine(dir, "summary.json")));

        string url = $"postgres://eq:x@127.0.0.1:{PostgresServer.FreePort()}/eq";
        var down = Encode(Path.Combine(Dir, "named-once"), "--store", url);
        string line = Assert.Single(down.Errors);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(line, "store postgres://"));
    }

    [Fact]
    public void A_refused_store_costs_one_line_and_exit_2_but_not_the_files()
    {
        string dir = Path.Combine(Dir, "refused");
        AssertStoreFailedFilesKept(Encode(dir, "--store", $"postgres://eq:x@127.0.0.1:{PostgresServer.FreePort()}/eq"), dir, "refused");
    }

    [Fact]
    public void A_wrong_password_costs_one_line_and_exit_2_but_not_the_files()
    {
        string dir = Path.Combine(Dir, "password");
        AssertStoreFailedFilesKept(Encode(dir, "--store", postgres.Url(password: "wrong")), dir, "password");
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void A_store_of_a_newer_schema_is_refused(string kind)
    {
        string store = NewStore(kind), dir = Path.Combine(Dir, $"newer-{kind}");
        new ResultStore(StoreLocation.Parse(store)).EnsureSchema();
        var s = new ResultStore(StoreLocation.Parse(store));
        using (var c = s.Connect())
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "INSERT INTO schemaversions (scriptname, applied) VALUES ('0099_from_the_future.sql', CURRENT_TIMESTAMP)";
            cmd.ExecuteNonQuery();
        }
        AssertStoreFailedFilesKept(Encode(dir, "--store", store), dir, "newer schema");
    }

    /// <summary>
    /// A store made before schema 8 (its scripts up to 0007 applied as dbup records them, a job
    /// row in it) is upgraded in place: the row is kept, and a job handed back by a stopping
    /// worker can be marked 'returned', which farm_runs shows.
    /// </summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void A_store_before_schema_8_keeps_its_jobs_and_learns_returned(string kind)
    {
        string store = NewStore(kind);
        var s = new ResultStore(StoreLocation.Parse(store));
        var asm = typeof(ResultStore).Assembly;
        string dialect = kind == "sqlite" ? ".Schema.sqlite." : ".Schema.postgres.";
        var old = asm.GetManifestResourceNames().Where(n => n.Contains(dialect) || n.Contains(".Schema.common."))
            .Select(n => (Name: n[(n.LastIndexOf(".Schema.", StringComparison.Ordinal) + 8)..].Split('.', 2)[1], Resource: n))
            .Where(x => string.CompareOrdinal(x.Name, "0008") < 0).OrderBy(x => x.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(7, old.Count);
        using (var c = s.Connect())
        {
            void Run(string sql)
            {
                using var cmd = c.CreateCommand();
                cmd.CommandText = sql;
                cmd.ExecuteNonQuery();
            }
            // dbup's own journal, as it makes it (SQLite looks the table up by this exact name).
            Run("CREATE TABLE SchemaVersions (schemaversionsid " + (kind == "sqlite" ? "INTEGER PRIMARY KEY" : "serial PRIMARY KEY")
                + ", scriptname TEXT NOT NULL, applied " + (kind == "sqlite" ? "DATETIME" : "timestamp") + " NOT NULL)");
            foreach (var (name, resource) in old)
            {
                using var text = new StreamReader(asm.GetManifestResourceStream(resource)!);
                Run(text.ReadToEnd());
                Run($"INSERT INTO SchemaVersions (scriptname, applied) VALUES ('{name}', CURRENT_TIMESTAMP)");
            }
        }
        JobLedger.Mark(s, "kept", JobState.Failed, 2, "W1", "a reason");
        s.EnsureSchema();
        Assert.Equal(("failed", "W1", 2L, (string?)null), JobLedger.Find(s, "kept"));
        JobLedger.Mark(s, "kept", JobState.Returned, 3, "W2", "handed back");
        Assert.Equal(("returned", "W2", 3L, (string?)null), JobLedger.Find(s, "kept"));
        using var read = s.Connect();
        using var q = read.CreateCommand();
        q.CommandText = "SELECT status FROM farm_runs WHERE job_id = 'kept'";
        Assert.Equal("returned", q.ExecuteScalar());
    }

    [Theory]
    [InlineData("postgres://eq@:99999999/x")]
    [InlineData("Host=127.0.0.1;Port=notaport")]
    public void A_malformed_store_is_an_input_error_before_any_work(string spec)
    {
        string dir = Path.Combine(Dir, $"malformed-{Guid.NewGuid():N}");
        var o = Encode(dir, "--store", spec);
        Assert.True(o.ExitCode == 1, $"exit {o.ExitCode}: {o.StdErr}");
        Assert.Contains("--store", Assert.Single(o.Errors));
        Assert.False(Directory.Exists(dir) && Directory.GetFiles(dir).Length > 0, "nothing may be written for a malformed store");
    }
}
