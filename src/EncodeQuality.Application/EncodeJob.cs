using System.Globalization;
using EncodeQuality.Decisions.Gates;
using EncodeQuality.Decisions.Ladder;
using EncodeQuality.Decisions.Sampling;
using EncodeQuality.Metrics;
using EncodeQuality.Pipeline;
using EncodeQuality.Pipeline.Ladder;
using EncodeQuality.Results;
using EncodeQuality.Decisions;
using EncodeQuality.Results.Files;
using Serilog;
using EncodeQuality.Model;

namespace EncodeQuality.Application;

/// <summary>
/// One ladder encode with its quality decisions, as eq encode and the farm worker both run it:
/// the request is checked (every refusal an <see cref="InputException"/> before any work),
/// sampling decides whether it scores, the ladder runs into its output folder, and the gates and
/// ladder checks are made on the finished run before it is committed to the files and sinks.
/// </summary>
public sealed record EncodeJob
{
    /// <summary>The encode itself, with the one set of defaults (<see cref="EncodeRequest.DefaultMetrics"/>); its media paths are the run's to set.</summary>
    public required EncodeRequest Encode { get; init; }
    public required string Out { get; init; }
    public double SampleRate { get; init; } = 1;
    public IReadOnlyList<Gate> Gates { get; init; } = [];
    public LadderCheckOptions Checks { get; init; } = new();
    public string? VmafModel { get; init; }
    public string VmafEngine { get; init; } = "auto";
    public string? JobId { get; init; }
    /// <summary>Files the run reads besides the source (a ladder file, a gates file): no output may replace them.</summary>
    public IReadOnlyList<(string Role, string? Path)> InputFiles { get; init; } = [];

    /// <summary>
    /// Threads for each VMAF scorer: the cores shared among the comparisons that run at once (every
    /// rung at every score-at mode, the default ladder counting as several), at least one each. A
    /// ladder already keeps every core busy with one thread per comparison beside its encoders;
    /// a single comparison would leave cores idle while the encoder waits on its scorer.
    /// </summary>
    public static int ScorerThreads(int? rungs, ScoreAt scoreAt)
    {
        int modes = scoreAt == ScoreAt.Both ? 2 : 1;
        int comparisons = (rungs ?? Environment.ProcessorCount) * modes;
        return Math.Max(1, Environment.ProcessorCount / Math.Max(1, comparisons));
    }

    /// <summary>
    /// Runs the job. <paramref name="catalog"/> gets "vmaf" registered with this job's engine and
    /// model, so give each concurrent job its own. A failed gate is not an exception here: the
    /// run is committed with its checks, and <see cref="RunOutcome.Failed"/> says so.
    /// </summary>
    public Task<RunOutcome> Run(MetricCatalog catalog, IReadOnlyList<IResultSink> sinks, ILogger log, CancellationToken ct)
    {
        if (SampleRate is < 0 or > 1 or double.NaN) throw new InputException("the sample rate (--sample-rate, sampleRate) must be from 0 to 1");
        var e = Encode;
        if (e.Subsample < 1) throw new InputException("--subsample must be at least 1");
        if (Checks.InversionTolerance < 0) throw new InputException("--inversion-tolerance must be at least 0");
        InputFile.Check(e.Source, "source");
        GateCheck.Validate(Gates, e.Metrics, e.ScoreAt, e.Ladder?.Select(r => r.Name).ToList());

        // Sampling decides before any work whether this run scores at all; a retry decides the same.
        string key = SampleDecision.KeyFor(JobId, e.Source, e.Ladder is null ? "default" : LadderWriter.ToJson(e.Ladder));
        bool sampled = SampleDecision.IsSampled(SampleRate, key);
        if (!sampled) log.Information("Sampling: this run is not scored (sample rate {Rate}); it encodes only", SampleRate);

        int scorerThreads = ScorerThreads(e.Ladder?.Count, e.ScoreAt);
        VmafMetric.Use(catalog, VmafEngine, VmafModel, new EncodeQuality.Vmaf.VmafOptions { Subsample = e.Subsample, Threads = scorerThreads },
            m => log.Information("{VmafEngine}", m));
        catalog.UseThreads(scorerThreads); // the other metrics' scorer, when VMAF's does not carry them
        log.Debug("VMAF threads per comparison: {Threads}", scorerThreads);
        var request = sampled ? e : e with { Metrics = [] };
        var settings = EncodeRun.Settings(request, new Dictionary<string, string?>
        {
            ["vmaf_model"] = VmafModel, ["vmaf_engine"] = VmafEngine,
            ["sample_rate"] = SampleRate.ToString(CultureInfo.InvariantCulture),
            ["gates"] = Gates.Count == 0 ? null : string.Join(" ", Gates.Select(g => g.Rule)),
            ["ladder_checks"] = $"inversion_tolerance={Checks.InversionTolerance} knee_gain={Checks.KneeGain} fatal={Checks.Fatal}",
        });
        var identity = new RunIdentity("encode", e.Source, settings, JobId) { Sampled = sampled };
        return new EncodeRun(catalog, log) { Judge = new Judge(Gates, Checks) }
            .Run(request, Out, identity, sinks, new RunInputs(InputFiles), ct);
    }
}
