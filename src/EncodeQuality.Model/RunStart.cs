namespace EncodeQuality.Model;

/// <summary>The source as a run saw it. <see cref="Hash"/> is its fingerprint (Results' SourceFingerprint).</summary>
public sealed record SourceFacts(string Path, string Hash, int Width, int Height, int BitDepth, int FpsNum, int FpsDen, string Codec)
{
    public double Fps => (double)FpsNum / FpsDen;
}

/// <summary>
/// What a run is, fixed when it starts. Kind is "encode" (a ladder) or "score" (two files).
/// Ladder and Settings are JSON texts: the ladder in the ladder-file format, the settings as an object.
/// </summary>
public sealed record RunStart(string RunId, string? JobId, string Kind, SourceFacts Source, string? Ladder, string Settings,
    string Host, string EqVersion, string Libraries, DateTimeOffset StartedAt)
{
    /// <summary>False when sampling decided not to score this run: it encodes, and carries no scores.</summary>
    public bool Sampled { get; init; } = true;

    /// <summary>The source's frame count as its container states it, 0 when unknown; for progress, not stored.</summary>
    public long FrameCountHint { get; init; }

    /// <summary>Every component's version when the run was made (eq, FFmpeg, x264/x265, libvmaf, .NET), a JSON object.</summary>
    public required string Tools { get; init; }
}
