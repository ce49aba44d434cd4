using EncodeQuality.Farm.Broker;
using EncodeQuality.Farm.Telemetry;
using EncodeQuality.Metrics;
using EncodeQuality.Results.Store;
using Serilog;

namespace EncodeQuality.Farm.Worker;

/// <summary>What every job attempt of one worker shares: its options, the store, the broker's channels.</summary>
internal sealed class WorkerContext(WorkerOptions options, ResultStore store, BrokerTopology topology, JobEvents events,
    Deliveries deliveries, Func<MetricCatalog> newCatalog, WorkerMetrics metrics, ILogger log)
{
    private volatile bool _schemaChecked;

    public WorkerOptions Options => options;
    public ResultStore Store => store;
    public BrokerTopology Topology => topology;
    public JobEvents Events => events;
    public Deliveries Deliveries => deliveries;
    public ILogger Log => log;
    public WorkerMetrics Metrics => metrics;

    /// <summary>A catalog of its own for each job: the VMAF engine and model are the job's.</summary>
    public MetricCatalog NewCatalog() => newCatalog();

    /// <summary>
    /// Waits until the store answers (its schema is up to date), trying again with a growing pause
    /// up to 15 s. False when <paramref name="ct"/> ended first.
    /// </summary>
    public async Task<bool> WaitForStore(ILogger jobLog, CancellationToken ct)
    {
        var pause = TimeSpan.FromSeconds(1);
        bool told = false;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Run(store.EnsureSchema, ct);
                if (told)
                {
                    jobLog.Information("The store answers again");
                    metrics.StoreWaited(waited.Elapsed);
                }
                return true;
            }
            catch (StoreException e)
            {
                if (!told) jobLog.Warning("{Error}; waiting for the store (the job is held, not acknowledged)", e.Message);
                told = true;
            }
            catch (OperationCanceledException) { break; }
            try { await Task.Delay(pause, ct); }
            catch (OperationCanceledException) { break; }
            pause = TimeSpan.FromSeconds(Math.Min(15, pause.TotalSeconds * 2));
        }
        if (told) metrics.StoreWaited(waited.Elapsed);
        return false;
    }

    /// <summary>Records a job's state in the jobs table; a store that fails here costs a log line, not the job.</summary>
    public void Mark(string jobId, JobState state, int attempt, string? message, ILogger jobLog)
    {
        try
        {
            if (!_schemaChecked) store.EnsureSchema();
            _schemaChecked = true;
            JobLedger.Mark(store, jobId, state, attempt, options.Name, message);
        }
        catch (StoreException e) { jobLog.Warning("Job state not recorded: {Error}", e.Message); }
    }
}
