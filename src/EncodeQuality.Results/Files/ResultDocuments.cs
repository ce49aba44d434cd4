using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace EncodeQuality.Results.Files;

// The files a run writes, as typed documents: one source-generated serializer (ResultsJson) writes
// and reads each of them. Property names follow the files' snake_case (docs/summary.schema.json);
// an absent optional value is left out, except where a file spells null on purpose.

/// <summary>summary.json: the run at a glance and its commit marker.</summary>
public sealed record SummaryDocument
{
    public string? Version { get; init; }
    /// <summary>Absent in summaries written before run ids.</summary>
    public string? RunId { get; init; }
    public string? JobId { get; init; }
    public string? Kind { get; init; }
    [JsonRequired] public string Source { get; init; } = "";
    public string? SourceHash { get; init; }
    public string? SourceCodec { get; init; }
    public string? SourceFormat { get; init; }
    public int SourceWidth { get; init; }
    public int SourceHeight { get; init; }
    public int SourceBitDepth { get; init; }
    /// <summary>"num/den".</summary>
    public string? SourceFpsFraction { get; init; }
    public double SourceFps { get; init; }
    [JsonRequired] public long Frames { get; init; }
    public IReadOnlyList<long>? SourceFramesDamaged { get; init; }
    [JsonRequired] public double WallSeconds { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public string? Host { get; init; }
    public string? EqVersion { get; init; }
    public string? Libraries { get; init; }
    public JsonElement? Tools { get; init; }
    public JsonElement? Settings { get; init; }
    public bool Sampled { get; init; } = true;
    public VerdictDocument? Verdict { get; init; }
    /// <summary>The ladder in the ladder-file format; absent for eq score.</summary>
    public JsonElement? Ladder { get; init; }
    [JsonRequired] public IReadOnlyList<RenditionDocument> Renditions { get; init; } = [];
}

public sealed record VerdictDocument(bool Passed, IReadOnlyList<CheckDocument> Checks);

/// <summary>One check as summary.json and the report page hold it.</summary>
public sealed record CheckDocument(string Kind, string Rule, string? Rendition, string? ScoreAt, double? Measured, double? Required,
    string Result, bool Fatal, string Message);

/// <summary>
/// A rendition as summary.json lists it, and as a score log's "rendition" object describes it
/// (there without files and scores).
/// </summary>
public sealed record RenditionDocument
{
    public required string Name { get; init; }
    public required string Codec { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    public int BitDepth { get; init; }
    public string? RateControl { get; init; }
    /// <summary>The rung as the ladder gave it.</summary>
    public JsonElement? Settings { get; init; }
    public EncoderDocument? Encoder { get; init; }
    public long Frames { get; init; }
    public long SizeBytes { get; init; }
    public double BitrateKbps { get; init; }
    public double? EncodeFps { get; init; }
    public double? ScoreFps { get; init; }
    public required string File { get; init; }
    public QueuesDocument? Queues { get; init; }
    /// <summary>File names by role (FileSink.Files).</summary>
    public IReadOnlyDictionary<string, string>? Files { get; init; }
    /// <summary>Pooled scores at the encode's size (FileSink.ScoresRole).</summary>
    public IReadOnlyDictionary<string, PooledDocument>? Scores { get; init; }
    /// <summary>Pooled scores at the source's size.</summary>
    public IReadOnlyDictionary<string, PooledDocument>? SourceScores { get; init; }
}

/// <summary>What the encoder really did, read back from it.</summary>
public sealed record EncoderDocument
{
    /// <summary>"crf" or "abr".</summary>
    public required string RateControl { get; init; }
    public double? Crf { get; init; }
    public int? BitrateKbps { get; init; }
    public int? MaxrateKbps { get; init; }
    public int? BufsizeKbits { get; init; }
    public int Keyint { get; init; }
    public int Bframes { get; init; }
    public int RcLookahead { get; init; }
    public int Refs { get; init; }
    public int Threads { get; init; }
    public int MaxDelayedFrames { get; init; }
}

public sealed record QueuesDocument(int EncoderMaxDelay, int LookaheadCapacity, int LookaheadHighWater, int LookaheadBeyondCapacity,
    int ReorderCapacity, int ReorderHighWater, int EncoderFramesHighWater, int RungFramesBound, int RungFramesAllocated);

/// <summary>One pooled entry: libvmaf's four statistics and our percentiles, six decimals.</summary>
public sealed record PooledDocument(double Min, double Max, double Mean, double HarmonicMean, double P1, double P5, double P50, double P95);

/// <summary>NAME.segments.json: a rendition's scores pooled per segment.</summary>
public sealed record SegmentsDocument(string Version, string Rendition, JsonElement SegmentDuration, bool BoundariesHeld, string MqaVideo,
    IReadOnlyList<SegmentDocument> Segments);

public sealed record SegmentDocument(int Index, long FirstFrame, long Frames, double Start, double Duration, bool StartsOnKeyframe,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? MqaVideo, int Errors,
    IReadOnlyDictionary<string, PooledDocument>? Encode, IReadOnlyDictionary<string, PooledDocument>? Source);

/// <summary>
/// A score log in libvmaf's JSON log layout; <see cref="Frames"/> streams from (and reads back
/// into) a score sheet, one frame at a time.
/// </summary>
public sealed record ScoreLogDocument
{
    public required string Version { get; init; }
    public JsonElement? Tools { get; init; }
    public double? Fps { get; init; }
    [JsonRequired, JsonConverter(typeof(ScoreLogFramesConverter))] public ScoreLogFrames Frames { get; init; } = null!;
    public IReadOnlyDictionary<string, PooledDocument> PooledMetrics { get; init; } = new Dictionary<string, PooledDocument>();
    public IReadOnlyDictionary<string, double> AggregateMetrics { get; init; } = new Dictionary<string, double>();
    public RenditionDocument? Rendition { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SummaryDocument))]
[JsonSerializable(typeof(SegmentsDocument))]
[JsonSerializable(typeof(ScoreLogDocument))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, PooledDocument>))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(string))]
internal sealed partial class ResultsJson : JsonSerializerContext
{
    /// <summary>
    /// Writes a document to <paramref name="path"/> (a temporary name; the caller renames it) and
    /// flushes it to disk: indented, and without escaping what a person reads (' + &lt; &gt;). The
    /// writer's options, not the serializer's, shape the text.
    /// </summary>
    public static void WriteFile<T>(string path, T document, JsonTypeInfo<T> type)
    {
        using var s = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        using (var w = new Utf8JsonWriter(s, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            JsonSerializer.Serialize(w, document, type);
        s.Flush(flushToDisk: true);
    }
}
