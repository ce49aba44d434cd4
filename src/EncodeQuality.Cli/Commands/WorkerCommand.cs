using System.CommandLine;
using System.Runtime.InteropServices;
using EncodeQuality.Farm.Broker;
using EncodeQuality.Farm.Worker;
using EncodeQuality.Metrics;

namespace EncodeQuality.Cli.Commands;

/// <summary>eq worker --amqp URL --store CONN [--out-root DIR] [--source-root DIR]... [--concurrency N] [--queue NAME] [--drain-timeout S] [--metrics-listen HOST:PORT]</summary>
public static class WorkerCommand
{
    public const string Name = "worker";

    public static Command Create(Func<MetricCatalog> newCatalog)
    {
        var amqp = new Option<string>("--amqp") { Description = "The broker: amqp://USER:PASSWORD@HOST:PORT/VHOST (env EQ_AMQP)" };
        var store = new Option<string>("--store") { Description = "Results store: a postgres:// URL (or an SQLite file for one machine) (env EQ_STORE)" };
        var outRoot = new Option<string>("--out-root") { Description = "Folder of job outputs on shared storage: a job without \"out\" writes OUTROOT/JOBID", DefaultValueFactory = _ => "eq-jobs" };
        var sourceRoots = new Option<string[]>("--source-root")
        {
            Description = "A folder job sources must be under (repeat for more); without one, any absolute path",
            DefaultValueFactory = _ => [],
        };
        var concurrency = new Option<int>("--concurrency") { Description = "Jobs at once (the prefetch); a farm machine runs one encode", DefaultValueFactory = _ => 1 };
        var queue = new Option<string>("--queue") { Description = "The jobs queue (a quorum queue; dead letters go to QUEUE.dead)", DefaultValueFactory = _ => BrokerTopology.DefaultQueue };
        var limit = new Option<int>("--delivery-limit") { Description = "Attempts a job gets before it is dead-lettered (the queue's x-delivery-limit)", DefaultValueFactory = _ => BrokerTopology.DefaultDeliveryLimit };
        var drain = new Option<double>("--drain-timeout") { Description = "Seconds a stop (SIGTERM/SIGINT) waits for running jobs before returning them to the queue", DefaultValueFactory = _ => 300 };
        var progress = new Option<double>("--progress-interval") { Description = "Seconds between job.progress events", DefaultValueFactory = _ => 5 };
        var name = new Option<string?>("--name") { Description = "This worker's name in events, logs and the store (default HOST:PID)" };
        var metricsListen = new Option<string?>("--metrics-listen")
        {
            Description = "HOST:PORT to serve Prometheus metrics (/metrics) and health (/healthz, /readyz) on; off by default (env EQ_METRICS_LISTEN)",
        };
        var vmafEngine = SharedOptions.VmafEngine();
        var logJson = SharedOptions.LogJson();
        var verbose = SharedOptions.Verbose();
        var cmd = new Command(Name, "Take encode jobs from RabbitMQ, store every result in the store, announce it on eq.events.\n\n" +
            "A job is acknowledged only after its output folder and its store transaction are committed; a stop finishes or returns the running job.\n\nExample:\n" +
            "  eq worker --amqp amqp://eq:secret@mq:5672/ --store postgres://eq:secret@db/eq --out-root /shared/eq-jobs")
        {
            amqp, store, outRoot, sourceRoots, concurrency, queue, limit, drain, progress, name, metricsListen, vmafEngine, logJson, verbose,
        };
        cmd.SetAction((p, _) => CommandRunner.Run(p.GetValue(logJson), p.GetValue(verbose), async log =>
        {
            var options = new WorkerOptions
            {
                Amqp = p.GetValue(amqp) ?? Environment.GetEnvironmentVariable("EQ_AMQP") ?? throw new InputException("--amqp (or EQ_AMQP) is required"),
                Store = p.GetValue(store) ?? Environment.GetEnvironmentVariable("EQ_STORE") ?? throw new InputException("--store (or EQ_STORE) is required"),
                OutRoot = p.GetValue(outRoot)!,
                SourceRoots = p.GetValue(sourceRoots)!,
                Concurrency = p.GetValue(concurrency),
                Queue = p.GetValue(queue)!,
                DeliveryLimit = p.GetValue(limit),
                DrainTimeout = Seconds(p.GetValue(drain), "--drain-timeout"),
                ProgressInterval = p.GetValue(progress) > 0 ? Seconds(p.GetValue(progress), "--progress-interval")
                    : throw new InputException("--progress-interval must be above 0 seconds"),
                Name = p.GetValue(name) ?? $"{Environment.MachineName}:{Environment.ProcessId}",
                VmafEngine = p.GetValue(vmafEngine)!,
                MetricsListen = p.GetValue(metricsListen) ?? Environment.GetEnvironmentVariable("EQ_METRICS_LISTEN"),
            };
            // The first SIGTERM or SIGINT drains; a second abandons the running jobs at once. The
            // signals are ours (Program turns System.CommandLine's handling off for the worker).
            using var stop = new CancellationTokenSource();
            using var now = new CancellationTokenSource();
            void OnSignal(PosixSignalContext c)
            {
                c.Cancel = true;
                if (stop.IsCancellationRequested) now.Cancel();
                else stop.Cancel();
            }
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            await new FarmWorker(options, newCatalog, log).RunAsync(stop.Token, now.Token);
        }));
        return cmd;
    }

    private static TimeSpan Seconds(double s, string option) =>
        s is >= 0 and <= 86400 ? TimeSpan.FromSeconds(s) : throw new InputException($"{option} must be from 0 to 86400 seconds");
}
