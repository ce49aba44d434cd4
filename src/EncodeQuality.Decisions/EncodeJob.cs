using System.Globalization;
using EncodeQuality.Decisions.Gates;
using EncodeQuality.Decisions.Ladder;
using EncodeQuality.Decisions.Sampling;
using EncodeQuality.Metrics;
using EncodeQuality.Native;
using EncodeQuality.Pipeline;
using EncodeQuality.Pipeline.Ladder;
using EncodeQuality.Results;
using EncodeQuality.Results.Files;
using Serilog;

namespace EncodeQuality.Decisions;

/// <summary>
/// One ladder encode with its quality decisions, as eq encode and the farm worker both run it:
/// the request is checked (every refusal an <see cref="InputException"/> before any work),
/// sampling decides whether it scores, the ladder runs into its output folder, and the gates and
/// ladder checks are made on the finished run before it is committed to the files and sinks.
/// </summary>
public sealed record EncodeJob
{
    /// <summary>What a run computes unless told otherwise: the product is in-encoder VMAF.</summary>
    public const string DefaultMetrics = "vmaf,psnr,ssim";

    public required string Source { get; init; }
    public SourceOptions? SourceOptions { get; init; }
    /// <summary>The rungs; null is the built-in ladder.</summary>
    public IReadOnlyList<Rendition>? Ladder { get; init; }
    public required string Out { get; init; }
    public ScoreAt ScoreAt { get; init; } = ScoreAt.Encode;
    /// <summary>Metric names as the catalog knows them; empty encodes only.</summary>
    public IReadOnlyList<string> Metrics { get; init; } = [];
    public string Container { get; init; } = "mp4";
    public int EncoderThreads { get; init; }
    public long MaxFrames { get; init; }
    public int Subsample { get; init; } = 1;
    /// <summary>Segments to pool scores over and start on IDRs; null: none.</summary>
    public SegmentPlan? Segments { get; init; }
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
        if (Subsample < 1) throw new InputException("--subsample must be at least 1");
        if (Checks.InversionTolerance < 0) throw new InputException("--inversion-tolerance must be at least 0");
        InputFile.Check(Source, "source");
        GateCheck.Validate(Gates, Metrics, ScoreAt, Ladder);

        // Sampling decides before any work whether this run scores at all; a retry decides the same.
        string key = SampleDecision.KeyFor(JobId, Source, Ladder is null ? "default" : LadderWriter.ToJson(Ladder));
        bool sampled = SampleDecision.IsSampled(SampleRate, key);
        if (!sampled) log.Information("Sampling: this run is not scored (sample rate {Rate}); it encodes only", SampleRate);

        int scorerThreads = ScorerThreads(Ladder?.Count, ScoreAt);
        VmafMetric.Use(catalog, VmafEngine, VmafModel, new EncodeQuality.Vmaf.VmafOptions { Subsample = Subsample, Threads = scorerThreads },
            m => log.Information("{VmafEngine}", m));
        log.Debug("VMAF threads per comparison: {Threads}", scorerThreads);
        var request = new EncodeRequest
        {
            Source = Source,
            SourceOptions = SourceOptions,
            Ladder = Ladder,
            ScoreAt = ScoreAt,
            Metrics = sampled ? Metrics : [],
            Container = Container,
            EncoderThreads = EncoderThreads,
            MaxFrames = MaxFrames,
            Subsample = Subsample,
            Segments = Segments,
        };
        var settings = EncodeRun.Settings(request, new Dictionary<string, string?>
        {
            ["vmaf_model"] = VmafModel, ["vmaf_engine"] = VmafEngine,
            ["sample_rate"] = SampleRate.ToString(CultureInfo.InvariantCulture),
            ["gates"] = Gates.Count == 0 ? null : string.Join(" ", Gates.Select(g => g.Rule)),
            ["ladder_checks"] = $"inversion_tolerance={Checks.InversionTolerance} knee_gain={Checks.KneeGain} fatal={Checks.Fatal}",
        });
        var identity = new RunIdentity("encode", Source, settings, JobId) { Sampled = sampled };
        return new EncodeRun(catalog, log) { Judge = new Judge(Gates, Checks).Decide }
            .Run(request, Out, identity, sinks, new RunInputs(InputFiles), ct);
    }
}
