using System.Diagnostics.Metrics;
using EncodeQuality.Model;

namespace EncodeQuality.Farm.Telemetry;

/// <summary>
/// What a worker counts, as System.Diagnostics.Metrics instruments of the meter "eq". The
/// Prometheus exporter names them by its rules: dots become underscores, the unit "s" adds
/// "_seconds", a counter adds "_total" (eq.jobs: eq_jobs_total). Everything is counted once per
/// job, when it settles, never per frame. No job id is a label: a label per job is a series per job.
/// </summary>
public sealed class WorkerMetrics : IDisposable
{
    public const string MeterName = "eq";

    /// <summary>The outcomes of eq_jobs_total.</summary>
    public const string Done = "done", GateFailed = "gate_failed", Failed = "failed", DeadLettered = "dead_lettered";
    private static readonly string[] Outcomes = [Done, GateFailed, Failed, DeadLettered];

    /// <summary>The histograms, by instrument name, as the exporter's bucket views name them.</summary>
    public const string JobDuration = "eq.job.duration", RenditionVmaf = "eq.rendition.vmaf";

    /// <summary>VMAF's buckets: the top of the scale in fine steps, where renditions are told apart.</summary>
    public static readonly double[] VmafBuckets = [20, 40, 50, 60, 70, 75, 80, 85, 88, 90, 92, 94, 96, 98, 100];

    /// <summary>A job's seconds, from a short test encode to a feature film's ladder.</summary>
    public static readonly double[] DurationBuckets = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200];

    private readonly Meter _meter = new(MeterName, EqBuild.Version);
    private readonly Counter<long> _jobs;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _encoded, _scored;
    private readonly Histogram<double> _vmaf;
    private readonly Counter<double> _storeWait;
    private int _busy;

    public WorkerMetrics()
    {
        _jobs = _meter.CreateCounter<long>("eq.jobs", description: $"Jobs settled, by outcome ({string.Join(", ", Outcomes)})");
        _duration = _meter.CreateHistogram<double>(JobDuration, "s", "Seconds from a job's delivery to its settlement, by outcome");
        _encoded = _meter.CreateCounter<long>("eq.frames.encoded", description: "Frames encoded, every rendition's counted");
        _scored = _meter.CreateCounter<long>("eq.frames.scored", description: "Frames scored, every rendition's at every score-at mode counted");
        _vmaf = _meter.CreateHistogram<double>(RenditionVmaf, description: "Each scored rendition's pooled VMAF mean, by rendition and score-at mode");
        _storeWait = _meter.CreateCounter<double>("eq.store.wait", "s", "Seconds jobs were held waiting for the store to answer");
        // Every counter starts at zero, each outcome too, so a rate or an increase has a series to
        // work on before the first job of that kind (Prometheus' advice on missing series).
        foreach (var outcome in Outcomes) _jobs.Add(0, new KeyValuePair<string, object?>("outcome", outcome));
        _encoded.Add(0);
        _scored.Add(0);
        _storeWait.Add(0);
        _meter.CreateObservableGauge("eq.worker.busy", () => Volatile.Read(ref _busy), description: "Jobs this worker is running now");
        _meter.CreateObservableGauge("eq.build.info", () => new Measurement<int>(1, new KeyValuePair<string, object?>("version", EqBuild.Version)),
            description: "This build of eq (always 1)");
    }

    /// <summary>A job is being worked on until the returned scope is disposed.</summary>
    public Busy Running()
    {
        Interlocked.Increment(ref _busy);
        return new Busy(this);
    }

    public readonly struct Busy(WorkerMetrics metrics) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref metrics._busy);
    }

    /// <summary>A job settled with <paramref name="outcome"/> after <paramref name="seconds"/>.</summary>
    public void Settled(string outcome, double seconds)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        _jobs.Add(1, tag);
        _duration.Record(seconds, tag);
    }

    /// <summary>A run that was stored: its frames and its renditions' VMAF.</summary>
    public void Stored(RunOutcome run)
    {
        _encoded.Add(run.Renditions.Sum(r => r.Facts.Frames));
        _scored.Add(run.Renditions.Sum(r => r.Scores.Sum(s => (long)s.ScoredFrameCount)));
        foreach (var r in run.Renditions)
            foreach (var set in r.Scores)
                if (set.Pooled.TryGetValue("vmaf", out var vmaf))
                    _vmaf.Record(vmaf.Mean, new KeyValuePair<string, object?>("rendition", r.Facts.Name),
                        new KeyValuePair<string, object?>("score_at", set.ModeName));
    }

    public void StoreWaited(TimeSpan waited) => _storeWait.Add(waited.TotalSeconds);

    public void Dispose() => _meter.Dispose();
}
