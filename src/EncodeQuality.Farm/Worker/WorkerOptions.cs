using EncodeQuality.Farm.Broker;

namespace EncodeQuality.Farm.Worker;

/// <summary>What eq worker is told: where jobs come from and results go, and how it behaves.</summary>
public sealed record WorkerOptions
{
    public required string Amqp { get; init; }
    public required string Store { get; init; }
    /// <summary>Where a job without its own "out" writes: OUTROOT/JOBID.</summary>
    public required string OutRoot { get; init; }
    /// <summary>Folders a job's source must be under; none: any absolute path.</summary>
    public IReadOnlyList<string> SourceRoots { get; init; } = [];
    public int Concurrency { get; init; } = 1;
    public string Queue { get; init; } = BrokerTopology.DefaultQueue;
    public int DeliveryLimit { get; init; } = BrokerTopology.DefaultDeliveryLimit;
    /// <summary>How long a stop (SIGTERM, SIGINT) waits for running jobs before returning them to the queue.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>This worker's name in events, logs and the jobs table.</summary>
    public string Name { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}";
    public string VmafEngine { get; init; } = "auto";
    /// <summary>HOST:PORT of the /metrics, /healthz and /readyz listener; null: none (the default).</summary>
    public string? MetricsListen { get; init; }
    /// <summary>How often readiness asks the store whether it answers.</summary>
    public TimeSpan StoreCheckInterval { get; init; } = TimeSpan.FromSeconds(2);
}
