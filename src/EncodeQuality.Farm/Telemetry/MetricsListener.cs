using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace EncodeQuality.Farm.Telemetry;

/// <summary>
/// eq worker --metrics-listen HOST:PORT: one small HTTP listener (Kestrel) with
/// <list type="bullet">
/// <item>/metrics: the worker's <see cref="WorkerMetrics"/> and the .NET runtime's own meter
/// ("System.Runtime"), in Prometheus' text format by OpenTelemetry's exporter;</item>
/// <item>/healthz: 200 while the process lives;</item>
/// <item>/readyz: 200 while <see cref="Readiness"/> has no problem, else 503 with the reason.</item>
/// </list>
/// </summary>
public sealed class MetricsListener : IAsyncDisposable
{
    public const string MetricsPath = "/metrics", HealthPath = "/healthz", ReadyPath = "/readyz";

    /// <summary>The .NET runtime's built-in meter (GC, heap, thread pool, exceptions).</summary>
    public const string RuntimeMeter = "System.Runtime";

    private readonly WebApplication _app;

    private MetricsListener(WebApplication app) => _app = app;

    /// <summary>Where the listener listens, refused (an input error) before the worker does anything else.</summary>
    public static IPEndPoint Parse(string listen)
    {
        int colon = listen.LastIndexOf(':');
        string host = colon > 0 ? listen[..colon].Trim('[', ']') : "";
        if (colon <= 0 || !int.TryParse(listen[(colon + 1)..], out int port) || port is < 1 or > 65535)
            throw new InputException($"--metrics-listen {listen}: give HOST:PORT (an IP address or localhost, a port from 1 to 65535)");
        if (host == "localhost") return new IPEndPoint(IPAddress.Loopback, port);
        return IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, port)
            : throw new InputException($"--metrics-listen {listen}: '{host}' is not an IP address or localhost");
    }

    public static async Task<MetricsListener> StartAsync(string listen, Readiness readiness, CancellationToken ct)
    {
        var endpoint = Parse(listen);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders(); // the worker logs for itself; a request log line per scrape is noise
        builder.WebHost.UseKestrel(k => k.Listen(endpoint));
        builder.Services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(WorkerMetrics.MeterName, RuntimeMeter)
            .AddView(WorkerMetrics.RenditionVmaf, new ExplicitBucketHistogramConfiguration { Boundaries = WorkerMetrics.VmafBuckets })
            .AddView(WorkerMetrics.JobDuration, new ExplicitBucketHistogramConfiguration { Boundaries = WorkerMetrics.DurationBuckets })
            .AddPrometheusExporter());
        var app = builder.Build();
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        app.MapGet(HealthPath, () => Microsoft.AspNetCore.Http.Results.Text("ok\n"));
        app.MapGet(ReadyPath, () => readiness.Problem is { } problem
            ? Microsoft.AspNetCore.Http.Results.Text(problem + "\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Microsoft.AspNetCore.Http.Results.Text("ready\n"));
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new InputException($"--metrics-listen {listen}: cannot listen there ({e.Message})");
        }
        return new MetricsListener(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
