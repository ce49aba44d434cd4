using System.Diagnostics;
using System.Text.Json.Nodes;

namespace EncodeQuality.Tests.Support;

/// <summary>
/// A private Prometheus (Debian's prometheus package) on 127.0.0.1 and a free port, scraping the
/// given targets every second into a scratch folder; killed when disposed.
/// </summary>
public sealed class PrometheusServer : IDisposable
{
    private readonly Process _p;
    private readonly HttpClient _http;

    public PrometheusServer(string job, params string[] targets)
    {
        string dir = Repo.Scratch("prometheus");
        string config = Path.Combine(dir, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: {job}
                static_configs:
                  - targets: [{string.Join(", ", targets.Select(t => $"'{t}'"))}]
            """);
        int port = PostgresServer.FreePort();
        var psi = new ProcessStartInfo("prometheus") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(dir, "data")}",
                     $"--web.listen-address=127.0.0.1:{port}"])
            psi.ArgumentList.Add(a);
        _p = Process.Start(psi) ?? throw new InvalidOperationException("prometheus did not start (scripts/setup installs it)");
        _p.BeginOutputReadLine();
        _p.BeginErrorReadLine();
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        var clock = Stopwatch.StartNew();
        while (!Ready())
        {
            if (_p.HasExited || clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("prometheus did not become ready");
            Thread.Sleep(200);
        }
    }

    private bool Ready()
    {
        try { return _http.GetAsync("/-/ready").GetAwaiter().GetResult().IsSuccessStatusCode; }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return false; }
    }

    /// <summary>An instant query's result vector (the API's data.result), after checking it succeeded.</summary>
    public JsonArray Query(string promql)
    {
        var body = _http.GetStringAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql)).GetAwaiter().GetResult();
        var answer = JsonNode.Parse(body)!;
        if ((string?)answer["status"] != "success") throw new InvalidOperationException($"{promql}: {body}");
        return answer["data"]!["result"]!.AsArray();
    }

    public void Dispose()
    {
        if (!_p.HasExited) _p.Kill();
        _p.Dispose();
        _http.Dispose();
    }
}
