using EncodeQuality.Pipeline.Ladder;
using EncodeQuality.Model;

namespace EncodeQuality.Pipeline;

/// <summary>What one rung produced: its facts, its media under the name the run gave it, its scores.</summary>
public sealed record RenditionReport(Rendition Rendition, RenditionFacts Facts, string MediaPath, ScoreSheet? AtEncode, ScoreSheet? AtSource);
