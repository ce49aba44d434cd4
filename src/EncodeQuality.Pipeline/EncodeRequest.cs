using EncodeQuality.Native;
using EncodeQuality.Pipeline.Ladder;
using EncodeQuality.Model;

namespace EncodeQuality.Pipeline;

/// <summary>
/// One ladder encode as the pipeline runs it: what eq encode's options and a farm job message
/// are each mapped to, once, with the defaults below.
/// </summary>
public sealed record EncodeRequest
{
    /// <summary>What a run computes unless told otherwise: the product is in-encoder VMAF.</summary>
    public static IReadOnlyList<string> DefaultMetrics { get; } = ["vmaf", "psnr", "ssim"];

    /// <summary>Every default in one place, for front ends that show them (eq encode's help).</summary>
    public static EncodeRequest Defaults { get; } = new() { Source = "" };

    public required string Source { get; init; }
    public SourceOptions? SourceOptions { get; init; }
    /// <summary>The ladder; null for the built-in one, fitted to the source height.</summary>
    public IReadOnlyList<Rendition>? Ladder { get; init; }
    /// <summary>Where each rung's media is written while the run goes (the caller makes it final).</summary>
    public Func<Rendition, string> MediaPath { get; init; } = _ => throw new InvalidOperationException("EncodeRequest.MediaPath is not set");
    public ScoreAt ScoreAt { get; init; } = ScoreAt.Encode;
    /// <summary>Metric names as the catalog parses them; empty encodes only.</summary>
    public IReadOnlyList<string> Metrics { get; init; } = DefaultMetrics;
    public string Container { get; init; } = "mp4";
    /// <summary>Threads per encoder; 0 lets each encoder choose.</summary>
    public int EncoderThreads { get; init; }
    /// <summary>Stop after this many source frames (0: all).</summary>
    public long MaxFrames { get; init; }
    /// <summary>Score every Nth frame (VMAF's motion still sees every frame); 1 scores all.</summary>
    public int Subsample { get; init; } = 1;
    /// <summary>Pool scores per segment, and where segments start; null: no segments.</summary>
    public SegmentPlan? Segments { get; init; }
    /// <summary>
    /// The encoder delay each rung's queues are sized for; null: what the opened encoder reports.
    /// Tests set it too small, to show a run carrying on when an encoder outruns its estimate.
    /// </summary>
    internal int? DelayEstimate { get; init; }
}

/// <summary>
/// The outcome of a ladder run. <paramref name="DamagedSourceFrames"/>: source frames the decoder
/// concealed errors in (<see cref="SourceOptions.ConcealErrors"/>), ascending.
/// </summary>
public sealed record LadderResult(string Source, SourceInfo SourceInfo, long SourceFrames, TimeSpan Wall,
    IReadOnlyList<RenditionReport> Renditions, IReadOnlyList<long> DamagedSourceFrames);
