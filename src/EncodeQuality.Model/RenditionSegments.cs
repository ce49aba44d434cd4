namespace EncodeQuality.Model;

/// <summary>
/// One segment of a rendition: its frames, whether it starts on a keyframe, each metric pooled over its
/// frames per score-at mode, its MQA-VIDEO composite and its error count.
/// </summary>
public sealed record SegmentScore(int Index, long FirstFrame, long Frames, double Start, double Seconds, bool StartsOnKeyframe,
    IReadOnlyDictionary<ScoreAt, IReadOnlyDictionary<string, PooledScore>> Pooled, double? MqaVideo, int Errors);

/// <summary>A rendition's segments, and whether every segment started on a keyframe of the output.</summary>
public sealed record RenditionSegments(string Rendition, SegmentPlan Plan, IReadOnlyList<SegmentScore> Segments)
{
    public bool BoundariesHeld => Segments.All(s => s.StartsOnKeyframe);
}
