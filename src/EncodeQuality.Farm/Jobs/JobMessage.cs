using EncodeQuality.Application;
using System.Text.Json;
using System.Text.Json.Serialization;
using EncodeQuality.Decisions.Gates;
using EncodeQuality.Metrics;
using EncodeQuality.Pipeline;
using EncodeQuality.Pipeline.Ladder;
using NJsonSchema;
using NJsonSchema.Validation;
using EncodeQuality.Model;

namespace EncodeQuality.Farm.Jobs;

/// <summary>
/// A farm job as it travels on the queue: JSON described by Jobs/job.schema.json, the one
/// description of the format (messages are validated against it, then read into this record).
/// </summary>
public sealed record JobMessage
{
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;
    public required string JobId { get; init; }
    public required string Source { get; init; }
    /// <summary>The string "default", or a ladder-file object.</summary>
    public required JsonElement Ladder { get; init; }
    public string? Out { get; init; }
    public string? ScoreAt { get; init; }
    public IReadOnlyList<string>? Metrics { get; init; }
    public double? SampleRate { get; init; }
    public IReadOnlyList<string>? Gates { get; init; }
    public string? Baseline { get; init; }
    public long? Frames { get; init; }
    public int? Subsample { get; init; }
    public string? Container { get; init; }
    /// <summary>Seconds (a number) or the string "keyint".</summary>
    public JsonElement? SegmentDuration { get; init; }
    public string? SourceErrors { get; init; }
    public string? VmafModel { get; init; }
    public string? Size { get; init; }
    public string? Fps { get; init; }

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        using var s = typeof(JobMessage).Assembly.GetManifestResourceStream("EncodeQuality.Farm.Jobs.job.schema.json")!;
        return JsonSchema.FromJsonAsync(new StreamReader(s).ReadToEnd()).GetAwaiter().GetResult();
    });

    /// <summary>The schema's text, for eq submit --schema and the README.</summary>
    public static string SchemaText => Schema.Value.ToJson();

    /// <summary>Reads a message; anything the schema refuses is an <see cref="InputException"/> with one plain line.</summary>
    public static JobMessage Parse(string text)
    {
        ICollection<ValidationError> errors;
        try { errors = Schema.Value.Validate(text); }
        catch (Exception e) when (e is Newtonsoft.Json.JsonException or JsonException)
        {
            throw new InputException($"job: not valid JSON ({e.Message.ReplaceLineEndings(" ")})");
        }
        if (errors.Count > 0) throw new InputException("job: " + string.Join("; ", errors.Select(Describe)));
        // What the schema lets through but the reader cannot hold ("version": "1", a count beyond
        // an int, a lone surrogate) is the message's fault too: an input error, never a retry.
        try { return JsonSerializer.Deserialize<JobMessage>(text, Json) ?? throw new InputException("job: the message is null"); }
        catch (Exception e) when (e is JsonException or FormatException or OverflowException or InvalidOperationException or ArgumentException)
        {
            throw new InputException(e is JsonException { Path: { } path }
                ? $"job: {path.TrimStart('$', '.')} holds a value that field cannot take (out of range, or of another type)"
                : $"job: cannot be read ({e.Message.ReplaceLineEndings(" ")})");
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    private static string Describe(ValidationError e)
    {
        string where = e.Path?.TrimStart('#', '/').Replace('/', '.') is { Length: > 0 } p ? p : "the message";
        string what = e.Kind switch
        {
            ValidationErrorKind.PropertyRequired => "is required",
            ValidationErrorKind.NoAdditionalPropertiesAllowed => "is not a job field",
            ValidationErrorKind.NotInEnumeration => "is not one of the allowed values",
            ValidationErrorKind.NotOneOf when where == "segmentDuration" => "must be seconds above 0 or \"keyint\"",
            ValidationErrorKind.NotOneOf => "must be \"default\" or a ladder object with \"renditions\"",
            ValidationErrorKind.PatternMismatch => "has characters a job id or value may not have",
            ValidationErrorKind.ItemsNotUnique => "repeats an item",
            ValidationErrorKind.NumberTooBig or ValidationErrorKind.NumberTooSmall => "is out of range",
            ValidationErrorKind.IntegerExpected => "must be a whole number",
            ValidationErrorKind.StringTooShort => "is empty",
            ValidationErrorKind.StringTooLong => "is too long",
            _ => "is invalid (" + e.Kind + ")",
        };
        return $"{where} {what}";
    }

    /// <summary>
    /// The encode this job asks for. Every refusal (ladder, metrics, gates) is an
    /// <see cref="InputException"/>, found before any work; the output folder defaults to
    /// <paramref name="outRoot"/>/JOBID.
    /// </summary>
    /// <param name="sourceRoots">Folders a source must be under (none: any absolute path); see <see cref="JobPaths"/>.</param>
    public EncodeJob ToEncodeJob(MetricCatalog catalog, string outRoot, IReadOnlyList<string>? sourceRoots = null)
    {
        JobPaths.CheckSource(Source, sourceRoots ?? []);
        string outDir = JobPaths.Out(Out, JobId, outRoot);
        var ladder = Ladder.ValueKind == JsonValueKind.String ? null : LadderParser.Parse(Ladder.GetRawText(), $"of job {JobId}");
        var gates = (Gates ?? []).Select(Gate.Parse).ToList();
        // What the message leaves out keeps the request's and the job's own defaults, as eq encode's options do.
        var encode = new EncodeRequest
        {
            Source = Source,
            SourceOptions = Native.SourceOptions.For(Source, Size, Fps, SourceErrors == "conceal"),
            Ladder = ladder,
            Metrics = catalog.Parse(Metrics is null ? string.Join(",", EncodeRequest.DefaultMetrics) : Metrics.Count == 0 ? "none" : string.Join(",", Metrics)),
            MaxFrames = Frames ?? 0,
            Segments = SegmentDuration is { } seg
                ? SegmentPlan.Parse(seg.ValueKind == JsonValueKind.Number ? seg.GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture) : seg.GetString()!, "segmentDuration")
                : null,
        };
        if (ScoreAt is { } at) encode = encode with { ScoreAt = at == "both" ? Model.ScoreAt.Both : at == "source" ? Model.ScoreAt.Source : Model.ScoreAt.Encode };
        if (Container is { } container) encode = encode with { Container = container };
        if (Subsample is { } subsample) encode = encode with { Subsample = subsample };
        var job = new EncodeJob
        {
            Encode = encode,
            Out = outDir,
            Gates = gates,
            VmafModel = VmafModel,
            JobId = JobId,
            InputFiles = [("model", VmafModel)],
        };
        return SampleRate is { } rate ? job with { SampleRate = rate } : job;
    }
}
