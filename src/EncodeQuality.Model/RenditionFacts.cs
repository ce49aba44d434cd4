
namespace EncodeQuality.Model;

/// <summary>A rendition as a run reports it: what was made and how fast; for eq score the distorted file is the one rendition.</summary>
public sealed record RenditionFacts
{
    public required string Name { get; init; }
    public required string Codec { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required int BitDepth { get; init; }
    public string? RateControl { get; init; }
    /// <summary>The rung as the ladder gave it (ladder-file JSON object); null for eq score.</summary>
    public string? Settings { get; init; }
    public required long Frames { get; init; }
    public required long SizeBytes { get; init; }
    public required double BitrateKbps { get; init; }
    public double? EncodeFps { get; init; }
    public double? ScoreFps { get; init; }
    /// <summary>The media file: its final name in the output folder once a run commits, the distorted file's path for eq score.</summary>
    public required string File { get; init; }
    public QueueMarks? Queues { get; init; }
    /// <summary>What the encoder really did, read back from it; null for eq score.</summary>
    public EncoderInfo? Encoder { get; init; }
    /// <summary>Display indices of the frames the encoder made keyframes; null for eq score.</summary>
    public IReadOnlyList<long>? Keyframes { get; init; }
    /// <summary>The first frame of each segment, when the run has segments.</summary>
    public IReadOnlyList<long>? SegmentStarts { get; init; }
}
