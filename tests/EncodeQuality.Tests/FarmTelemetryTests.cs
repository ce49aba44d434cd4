using System.Globalization;
using System.Text.Json.Nodes;
using System.Net;
using System.Text.RegularExpressions;
using EncodeQuality.Farm.Broker;
using EncodeQuality.Tests.Support;

namespace EncodeQuality.Tests;

/// <summary>
/// eq worker --metrics-listen, watched as Prometheus and Kubernetes watch it: what /metrics counts
/// is checked against what the store holds, and /readyz against the broker, the store and a stop.
/// </summary>
public partial class FarmTests
{
    [Fact]
    public async Task A_workers_metrics_agree_with_the_store_and_readiness_follows_the_store_and_a_stop()
    {
        var (queue, store, root) = Fresh("metrics");
        await using var events = await FarmEvents.Listen(farm.Rabbit.Url);
        int port = PostgresServer.FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        using var w = Worker("M", store, root, queue, "--metrics-listen", $"127.0.0.1:{port}", "--drain-timeout", "120");
        using var prometheus = new PrometheusServer("eq-worker", $"127.0.0.1:{port}");
        try
        {
            WaitUntil(() => Status(http, "/readyz") == HttpStatusCode.OK, Long, () => $"/readyz: {Body(http, "/readyz")}");
            Assert.Equal(HttpStatusCode.OK, Status(http, "/healthz"));

            string done = Unique("m-done"), gated = Unique("m-gated"), missing = Unique("m-missing");
            Submit(queue, Job(done, frames: 10, preset: "ultrafast", metrics: """["vmaf","psnr"],"scoreAt":"both" """),
                // A ladder change: a bitrate cap on "large", low enough to bite and to make "small" outscore it at source size.
                Job(gated, frames: 10, preset: "ultrafast", metrics: """["vmaf","psnr"],"scoreAt":"both","gates":["psnr.mean>=99"]""",
                    largeKeys: ""","maxrate":40,"bufsize":80"""),
                Job(missing, source: Path.Combine(root, "no-such-source.mp4")));
            events.WaitFor(done, JobEvents.Finished, Long);
            events.WaitFor(gated, JobEvents.GateFailed, Long);
            events.WaitFor(missing, JobEvents.DeadLettered, Long);

            var m = Scrape(http);
            Assert.Equal(1, m.Value("eq_jobs_total", ("outcome", "done")));
            Assert.Equal(1, m.Value("eq_jobs_total", ("outcome", "gate_failed")));
            Assert.Equal(1, m.Value("eq_jobs_total", ("outcome", "dead_lettered")));
            Assert.Equal(0, m.Value("eq_jobs_total", ("outcome", "failed")));
            Assert.Equal(1, m.Value("eq_job_duration_seconds_count", ("outcome", "done")));
            Assert.InRange(m.Value("eq_job_duration_seconds_sum", ("outcome", "done")), 0.01, 600);
            // The frame counters are what the store holds: every rendition's frames, every series' frames.
            Assert.Equal(Count(store, "SELECT sum(frames) FROM renditions"), m.Value("eq_frames_encoded_total"));
            Assert.Equal(Count(store, "SELECT sum(f) FROM (SELECT max(frames) AS f FROM score_series GROUP BY rendition_id, score_at) x"),
                m.Value("eq_frames_scored_total"));
            // Each rendition's pooled VMAF, once per stored run: count and sum as the store has them.
            foreach (var row in Rows(store, """
                SELECT r.name, s.score_at, count(*), sum(s.mean) FROM score_series s JOIN renditions r ON r.id = s.rendition_id
                WHERE s.metric = 'vmaf' GROUP BY r.name, s.score_at
                """))
            {
                var labels = new[] { ("rendition", (string)row[0]!), ("score_at", (string)row[1]!) };
                Assert.Equal(Convert.ToInt64(row[2]), m.Value("eq_rendition_vmaf_count", labels));
                Assert.Equal(Convert.ToDouble(row[3]), m.Value("eq_rendition_vmaf_sum", labels), 1e-9);
            }
            Assert.Equal(0, m.Value("eq_worker_busy"));
            Assert.Equal(1, m.Value("eq_build_info"));
            Assert.Equal(0, m.Value("eq_store_wait_seconds_total")); // the store never made a job wait
            Assert.Contains(m.Samples, s => s.Name.StartsWith("dotnet_gc_", StringComparison.Ordinal)); // the runtime's own meter

            Assert.Equal(2, Count(store, "SELECT count(*) FROM score_series WHERE metric = 'vmaf' AND score_at = 'encode'") / 2); // two runs, two rungs
            Assert.Equal(1, Count(store, "SELECT count(*) FROM checks WHERE kind = 'inversion' AND result = 'failed'")); // the capped rung's
            DashboardAnswers(store, prometheus);

            // A database outage: not ready, saying why; ready again once it is back.
            farm.Postgres.Stop();
            try
            {
                WaitUntil(() => Status(http, "/readyz") == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), () => "still ready with the store down");
                Assert.Contains("store", Body(http, "/readyz"));
                Assert.Equal(HttpStatusCode.OK, Status(http, "/healthz"));
            }
            finally
            {
                farm.Postgres.Start();
                Npgsql.NpgsqlConnection.ClearAllPools(); // this test's own pooled connections died with the server
            }
            WaitUntil(() => Status(http, "/readyz") == HttpStatusCode.OK, TimeSpan.FromSeconds(60), () => $"/readyz: {Body(http, "/readyz")}");

            // SIGTERM mid-job: not ready within a second, while the running job still finishes.
            string drained = Unique("m-drain");
            Submit(queue, Job(drained, frames: 150)); // long enough that the job is still running when readiness is read
            events.WaitFor(drained, JobEvents.Started, Long);
            Assert.Equal(1, Scrape(http).Value("eq_worker_busy"));
            w.Terminate();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            WaitUntil(() => Status(http, "/readyz") == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(1), () => "still ready a second after SIGTERM");
            output.WriteLine($"/readyz turned 503 {clock.ElapsedMilliseconds} ms after SIGTERM");
            Assert.Contains("draining", Body(http, "/readyz"));
            events.WaitFor(drained, JobEvents.Finished, Long);
            Assert.Equal(0, w.WaitForExit(Long));
            Assert.Equal(1, RunCount(store, drained));
            // Each run's peak within its estimate, in a process that holds a listener and earlier jobs.
            var memory = Regex.Matches(w.Log, @"Memory: peak ([\d.]+) MiB of the ([\d.]+) MiB estimated");
            Assert.Equal(3, memory.Count);
            foreach (Match line in memory)
                Assert.True(double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture) <= double.Parse(line.Groups[2].Value, CultureInfo.InvariantCulture), line.Value);
            await FarmPageShowsEveryFigure(store, done, gated, drained);
        }
        finally { Show(w); }
    }

    [Fact]
    public void A_metrics_address_that_is_not_one_is_refused_before_the_worker_connects()
    {
        var (queue, store, root) = Fresh("badlisten");
        using var w = Worker("B", store, root, queue, "--metrics-listen", "metrics.example:9090");
        Assert.Equal(1, w.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Contains("--metrics-listen metrics.example:9090: 'metrics.example' is not an IP address or localhost", w.Log);
        Assert.DoesNotContain("consuming", w.Log);
    }

    /// <summary>
    /// Every panel of docker/grafana/dashboards/encodequality.json, asked as Grafana would ask it:
    /// each SQL query of the store this test filled returns rows with the columns its panel maps,
    /// and each PromQL expression, asked of a real Prometheus scraping the worker, returns a result.
    /// Grafana's macros are expanded as Grafana documents them, for a 30-day window.
    /// </summary>
    private void DashboardAnswers(string store, PrometheusServer prometheus)
    {
        // Three scrapes after the last job, so every rate has two samples of every series.
        var since = DateTime.UtcNow;
        WaitUntil(() => prometheus.Query("count_over_time(eq_build_info[1m])") is [{ } r] && int.Parse((string)r["value"]![1]!) >= 3
                && DateTime.UtcNow - since > TimeSpan.FromSeconds(3), Long, () => "prometheus has not scraped the worker");
        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "docker", "grafana", "dashboards", "encodequality.json")))!;
        int sqlPanels = 0, promPanels = 0;
        foreach (var panel in dashboard["panels"]!.AsArray())
        {
            string title = (string)panel!["title"]!;
            foreach (var target in panel["targets"]!.AsArray())
            {
                if ((string?)target!["datasource"]!["uid"] == "eq-store")
                {
                    sqlPanels++;
                    string sql = System.Text.RegularExpressions.Regex.Replace((string)target["rawSql"]!, @"\$__timeFilter\(([^)]*)\)",
                        "$1 BETWEEN now() - interval '30 days' AND now() + interval '1 day'");
                    using var c = new Npgsql.NpgsqlConnection(Results.Store.StoreLocation.Parse(store).ConnectionString);
                    c.Open();
                    using var cmd = new Npgsql.NpgsqlCommand(sql, c);
                    using var reader = cmd.ExecuteReader();
                    var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
                    int rows = 0;
                    while (reader.Read()) rows++;
                    output.WriteLine($"SQL panel '{title}': {rows} rows, columns {string.Join(", ", columns)}");
                    Assert.True(rows > 0, $"panel '{title}': no rows");
                    if ((string)target["format"]! == "time_series") Assert.Equal(["time", "metric", "value"], columns);
                    if ((string?)panel["options"]?["xField"] is { } x) Assert.Contains(x, columns);
                }
                else
                {
                    promPanels++;
                    string expr = ((string)target["expr"]!).Replace("$__rate_interval", "1m");
                    var result = prometheus.Query(expr);
                    output.WriteLine($"PromQL panel '{title}': {expr} -> {result.Count} series");
                    Assert.True(result.Count > 0, $"panel '{title}': {expr} returned nothing");
                }
            }
        }
        Assert.True(sqlPanels >= 8 && promPanels >= 8, $"{sqlPanels} SQL and {promPanels} PromQL targets");
    }

    private static HttpStatusCode? Status(HttpClient http, string path)
    {
        try
        {
            using var r = http.GetAsync(path).GetAwaiter().GetResult();
            return r.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return null; }
    }

    private static string Body(HttpClient http, string path)
    {
        try
        {
            using var r = http.GetAsync(path).GetAwaiter().GetResult();
            return r.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return e.Message; }
    }

    private static Exposition Scrape(HttpClient http) => Exposition.Parse(http.GetStringAsync("/metrics").GetAwaiter().GetResult());

    /// <summary>Prometheus' text exposition format, read independently of the exporter: one sample per line, name{labels} value.</summary>
    private sealed partial class Exposition
    {
        public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

        public List<Sample> Samples { get; } = [];

        public static Exposition Parse(string text)
        {
            var e = new Exposition();
            foreach (var line in text.Split('\n'))
            {
                if (line.Length == 0 || line[0] == '#') continue;
                var m = Line().Match(line);
                Assert.True(m.Success, $"not a sample line: {line}");
                var labels = LabelPair().Matches(m.Groups[2].Value).ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value);
                e.Samples.Add(new Sample(m.Groups[1].Value, labels, double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)));
            }
            return e;
        }

        public Sample? Find(string name, params (string Key, string Value)[] labels)
        {
            var found = Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
            Assert.True(found.Count <= 1, $"{name}: {found.Count} samples match");
            return found.SingleOrDefault();
        }

        public double Value(string name, params (string Key, string Value)[] labels) =>
            Find(name, labels)?.Value ?? throw new Xunit.Sdk.XunitException($"no sample {name}{{{string.Join(",", labels.Select(l => $"{l.Key}={l.Value}"))}}}");

        [GeneratedRegex("""^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)(\s+\d+)?$""")]
        private static partial Regex Line();

        [GeneratedRegex("""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)" """, RegexOptions.IgnorePatternWhitespace)]
        private static partial Regex LabelPair();
    }
}
