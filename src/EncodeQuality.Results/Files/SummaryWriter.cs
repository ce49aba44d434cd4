using System.Text.Json;
using System.Text.Json.Nodes;
using EncodeQuality.Model;

namespace EncodeQuality.Results.Files;

/// <summary>
/// OUT/summary.json: the run at a glance and its commit marker. The run (id, job id, source,
/// ladder, settings, versions, times) and one entry per rendition with its files and pooled
/// scores, as a <see cref="SummaryDocument"/>; <see cref="SummaryReader"/> reads it back.
/// </summary>
public static class SummaryWriter
{
    public static void Write(string path, RunOutcome run, Func<RenditionOutcome, IReadOnlyDictionary<string, string>> files) =>
        ResultsJson.WriteFile(path, Document(run, files), ResultsJson.Default.SummaryDocument);

    /// <summary>The summary as a JSON object, for a page or an event that carries it with more beside it.</summary>
    public static JsonObject Node(RunOutcome run, Func<RenditionOutcome, IReadOnlyDictionary<string, string>> files) =>
        JsonSerializer.SerializeToNode(Document(run, files), ResultsJson.Default.SummaryDocument)!.AsObject();

    public static SummaryDocument Document(RunOutcome run, Func<RenditionOutcome, IReadOnlyDictionary<string, string>> files)
    {
        var start = run.Run;
        var source = start.Source;
        return new SummaryDocument
        {
            Version = ScoreLogWriter.Version,
            RunId = start.RunId,
            JobId = start.JobId,
            Kind = start.Kind,
            Source = source.Path,
            SourceHash = source.Hash,
            SourceCodec = source.Codec,
            SourceFormat = $"{source.Width}x{source.Height} {source.BitDepth}-bit",
            SourceWidth = source.Width,
            SourceHeight = source.Height,
            SourceBitDepth = source.BitDepth,
            SourceFpsFraction = $"{source.FpsNum}/{source.FpsDen}",
            SourceFps = Math.Round(source.Fps, 3),
            Frames = run.Frames,
            SourceFramesDamaged = run.DamagedSourceFrames,
            WallSeconds = Math.Round(run.Wall.TotalSeconds, 3),
            StartedAt = start.StartedAt,
            FinishedAt = run.FinishedAt,
            Host = start.Host,
            EqVersion = start.EqVersion,
            Libraries = start.Libraries,
            Tools = Raw(start.Tools),
            Settings = Raw(start.Settings),
            Sampled = start.Sampled,
            Verdict = new VerdictDocument(!run.Failed, [.. run.Checks.Select(Document)]),
            Ladder = start.Ladder is null ? null : Raw(start.Ladder),
            Renditions = [.. run.Renditions.Select(r => Rendition(r.Facts) with
            {
                Files = files(r),
                Scores = r.At(ScoreAt.Encode) is { } encode ? Pooled(encode.Pooled) : null,
                SourceScores = r.At(ScoreAt.Source) is { } atSource ? Pooled(atSource.Pooled) : null,
            })],
        };
    }

    public static CheckDocument Document(Check c) => new(c.Kind, c.Rule, c.Rendition, c.Mode is { } mode ? ScoreSet.NameOf(mode) : null,
        c.Measured is { } measured ? Math.Round(measured, 6) : null, c.Required, c.Result.ToString().ToLowerInvariant(), c.Fatal, c.Message);

    /// <summary>A rendition's facts, as summary.json and the score logs describe it (without files and scores).</summary>
    public static RenditionDocument Rendition(RenditionFacts r) => new()
    {
        Name = r.Name,
        Codec = r.Codec,
        Width = r.Width,
        Height = r.Height,
        BitDepth = r.BitDepth,
        RateControl = r.RateControl,
        Settings = r.Settings is null ? null : Raw(r.Settings),
        Encoder = r.Encoder is { } e ? new EncoderDocument
        {
            RateControl = e.Crf ? "crf" : "abr",
            Crf = e.Crf ? Math.Round(e.CrfValue, 3) : null,
            BitrateKbps = e.Crf ? null : e.BitrateKbps,
            MaxrateKbps = e.MaxrateKbps > 0 ? e.MaxrateKbps : null,
            BufsizeKbits = e.MaxrateKbps > 0 ? e.BufsizeKbits : null,
            Keyint = e.Keyint,
            Bframes = e.Bframes,
            RcLookahead = e.RcLookahead,
            Refs = e.Refs,
            Threads = e.Threads,
            MaxDelayedFrames = e.MaxDelayedFrames,
        } : null,
        Frames = r.Frames,
        SizeBytes = r.SizeBytes,
        BitrateKbps = Math.Round(r.BitrateKbps, 3),
        EncodeFps = r.EncodeFps is { } encodeFps ? Math.Round(encodeFps, 2) : null,
        ScoreFps = r.ScoreFps is { } scoreFps ? Math.Round(scoreFps, 2) : null,
        File = r.File,
        Queues = r.Queues is { } q ? new QueuesDocument(q.EncoderMaxDelay, q.LookaheadCapacity, q.LookaheadHighWater, q.LookaheadBeyond,
            q.ReorderCapacity, q.ReorderHighWater, q.EncoderHighWater, q.MaxRungFrames, q.RungFramesAllocated) : null,
    };

    /// <summary>Pooled entries by feature, six decimals, as libvmaf writes them.</summary>
    public static IReadOnlyDictionary<string, PooledDocument> Pooled(IReadOnlyDictionary<string, PooledScore> pooled) =>
        pooled.ToDictionary(kv => kv.Key, kv => new PooledDocument(R(kv.Value.Min), R(kv.Value.Max), R(kv.Value.Mean), R(kv.Value.HarmonicMean),
            R(kv.Value.P1), R(kv.Value.P5), R(kv.Value.P50), R(kv.Value.P95)));

    /// <summary>Pooled entries as one JSON object, where a page or an event writes them beside its own data.</summary>
    public static void WritePooled(Utf8JsonWriter w, IReadOnlyDictionary<string, PooledScore> pooled) =>
        JsonSerializer.Serialize(w, Pooled(pooled), ResultsJson.Default.IReadOnlyDictionaryStringPooledDocument);

    private static double R(double v) => Math.Round(v, 6);

    /// <summary>A JSON text kept as it is (the ladder, the settings, the versions).</summary>
    internal static JsonElement Raw(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }
}
