using EncodeQuality.Native;
using EncodeQuality.Pipeline.Ladder;
using EncodeQuality.Pipeline.Metrics;
using EncodeQuality.Pipeline.Stages;

namespace EncodeQuality.Pipeline;

/// <summary>What one rung produced: its media file (under the name the run gave it), its size and speed, and its scores.</summary>
public sealed record RenditionReport
{
    public required Rendition Rendition { get; init; }
    public required string Name { get; init; }
    public required string Codec { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required int BitDepth { get; init; }
    public required string RateControl { get; init; }
    public required long Frames { get; init; }
    public required long SizeBytes { get; init; }
    public required double BitrateKbps { get; init; }
    public required double EncodeFps { get; init; }
    public required double ScoreFps { get; init; }
    public required string MediaPath { get; init; }
    public required QueueMarks Queues { get; init; }
    /// <summary>What the encoder really did with the rung's settings, read back from it.</summary>
    public required EncoderInfo Encoder { get; init; }
    public ScoreSheet? AtEncode { get; init; }
    public ScoreSheet? AtSource { get; init; }
}
