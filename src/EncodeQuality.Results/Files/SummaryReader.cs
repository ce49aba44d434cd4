using System.Text.Json;
using EncodeQuality.Model;

namespace EncodeQuality.Results.Files;

/// <summary>
/// Reads a committed output folder back: summary.json for the run and its renditions, each score
/// log for the per-frame scores. eq store import loads what this returns.
/// </summary>
public static class SummaryReader
{
    /// <summary>The run id and job id (null without one) of the committed run a summary.json describes; null when there is none or it cannot be read.</summary>
    public static (string RunId, string? JobId)? TryOwner(string summaryPath) =>
        TryDocument(summaryPath) is { RunId: { } run } doc ? (run, doc.JobId) : null;

    /// <summary>The file names a summary lists (media and score logs); none if there is no readable summary.</summary>
    public static IReadOnlyList<string> TryListFiles(string summaryPath) =>
        TryDocument(summaryPath) is { } doc
            ? [.. doc.Renditions.SelectMany(r => r.Files?.Values ?? []).Where(n => n == Path.GetFileName(n))]
            : [];

    /// <summary>
    /// summary.json, read: the one parser of the file (eq store import, eq compare and the report
    /// all read runs through it). A summary from an eq before run ids has no <see cref="SummaryFile.Start"/>.
    /// </summary>
    public static SummaryFile ReadSummary(string file)
    {
        try
        {
            var doc = Document(file);
            RunStart? start = null;
            if (doc.RunId is { } runId)
            {
                var fps = Need(doc.SourceFpsFraction, "source_fps_fraction").Split('/');
                var source = new SourceFacts(doc.Source, Need(doc.SourceHash, "source_hash"), doc.SourceWidth, doc.SourceHeight,
                    doc.SourceBitDepth, int.Parse(fps[0]), int.Parse(fps[1]), Need(doc.SourceCodec, "source_codec"));
                start = new RunStart(runId, doc.JobId, Need(doc.Kind, "kind"), source, doc.Ladder?.GetRawText(),
                    Need(doc.Settings, "settings").GetRawText(), Need(doc.Host, "host"), Need(doc.EqVersion, "eq_version"),
                    Need(doc.Libraries, "libraries"), Need(doc.StartedAt, "started_at"))
                {
                    Sampled = doc.Sampled,
                    Tools = doc.Tools?.GetRawText() ?? "{}",
                };
            }
            var renditions = doc.Renditions.Select(r =>
            {
                var pooled = new Dictionary<ScoreAt, IReadOnlyDictionary<string, PooledScore>>();
                if (r.Scores is { } atEncode) pooled[ScoreAt.Encode] = Pooled(atEncode);
                if (r.SourceScores is { } atSource) pooled[ScoreAt.Source] = Pooled(atSource);
                return new SummaryRendition(Facts(r), r.Files ?? new Dictionary<string, string>(), pooled);
            }).ToList();
            var checks = doc.Verdict?.Checks.Select(Check).ToList() ?? [];
            return new SummaryFile(doc.Source, start, doc.Frames, TimeSpan.FromSeconds(doc.WallSeconds), doc.FinishedAt, renditions, checks,
                doc.SourceFramesDamaged ?? []);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            throw new InputException($"{file}: not a summary eq can read ({e.Message})");
        }
    }

    /// <summary>The run a committed folder holds, with every score log. A folder without summary.json holds no complete run.</summary>
    public static RunOutcome Read(string dir)
    {
        string path = Path.Combine(dir, OutputFolder.SummaryName);
        if (!File.Exists(path))
            throw new InputException($"{dir}: no {OutputFolder.SummaryName}, so it holds no complete run");
        var summary = ReadSummary(path);
        var start = summary.Start ?? throw new InputException($"{path}: written by an older eq (no run_id); run the encode again to store it");
        var renditions = new List<RenditionOutcome>();
        foreach (var r in summary.Renditions)
        {
            var scores = new List<ScoreSet>();
            foreach (var mode in new[] { ScoreAt.Encode, ScoreAt.Source })
                if (r.Files.TryGetValue(FileSink.ScoresRole(mode), out var log)) scores.Add(new ScoreSet(mode, ReadLog(Path.Combine(dir, log))));
            renditions.Add(new RenditionOutcome(r.Facts, null, scores)
            {
                Segments = r.Files.TryGetValue("segments", out var seg) ? SegmentsReader.Read(Path.Combine(dir, seg)) : null,
            });
        }
        return new RunOutcome(start, summary.Frames, summary.Wall, summary.FinishedAt ?? start.StartedAt, renditions)
        {
            Checks = summary.Checks,
            DamagedSourceFrames = summary.DamagedSourceFrames,
        };
    }

    /// <summary>A score log's per-frame values, back into a sheet.</summary>
    public static ScoreSheet ReadLog(string path)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: listed in the summary but missing");
        try
        {
            using var s = File.OpenRead(path);
            var log = JsonSerializer.Deserialize(s, ResultsJson.Default.ScoreLogDocument) ?? throw new JsonException("the log is null");
            return log.Frames.Sheet;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InputException($"{path}: not a score log eq can read ({e.Message})");
        }
    }

    /// <summary>A rendition's facts as summary.json and a score log's "rendition" object hold them.</summary>
    public static RenditionFacts Facts(RenditionDocument r) => new()
    {
        Name = r.Name, Codec = r.Codec, Width = r.Width, Height = r.Height, BitDepth = r.BitDepth, RateControl = r.RateControl,
        Settings = r.Settings?.GetRawText(), Frames = r.Frames, SizeBytes = r.SizeBytes, BitrateKbps = r.BitrateKbps,
        EncodeFps = r.EncodeFps, ScoreFps = r.ScoreFps, File = r.File,
        Encoder = r.Encoder is { } e ? new EncoderInfo(e.MaxDelayedFrames, e.Bframes, e.RcLookahead, e.Threads, r.BitDepth,
            e.RateControl == "crf", e.Crf ?? 0, e.BitrateKbps ?? 0, e.MaxrateKbps ?? 0, e.BufsizeKbits ?? 0, e.Keyint, e.Refs) : null,
        Queues = r.Queues is { } q ? new QueueMarks(q.EncoderMaxDelay, q.LookaheadCapacity, q.LookaheadHighWater, q.LookaheadBeyondCapacity,
            q.ReorderCapacity, q.ReorderHighWater, q.EncoderFramesHighWater, q.RungFramesBound, q.RungFramesAllocated) : null,
    };

    /// <summary>Pooled entries by feature, read back.</summary>
    public static IReadOnlyDictionary<string, PooledScore> Pooled(IReadOnlyDictionary<string, PooledDocument> pooled) =>
        pooled.ToDictionary(kv => kv.Key, kv => new PooledScore(kv.Value.Min, kv.Value.Max, kv.Value.Mean, kv.Value.HarmonicMean,
            kv.Value.P1, kv.Value.P5, kv.Value.P50, kv.Value.P95));

    private static SummaryDocument Document(string file)
    {
        using var s = File.OpenRead(file);
        return JsonSerializer.Deserialize(s, ResultsJson.Default.SummaryDocument) ?? throw new JsonException("the summary is null");
    }

    private static SummaryDocument? TryDocument(string file)
    {
        try
        {
            return File.Exists(file) ? Document(file) : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static T Need<T>(T? value, string key) where T : struct => value ?? throw new JsonException($"'{key}' is missing");
    private static string Need(string? value, string key) => value ?? throw new JsonException($"'{key}' is missing");

    private static Check Check(CheckDocument c) => new(c.Kind, c.Rule, c.Rendition,
        c.ScoreAt is null ? null : c.ScoreAt == "source" ? ScoreAt.Source : ScoreAt.Encode, c.Measured, c.Required,
        Enum.Parse<CheckResult>(c.Result, ignoreCase: true), c.Fatal, c.Message);
}

/// <summary>A rendition as summary.json lists it: its facts, its files by role, its pooled scores per score-at mode.</summary>
public sealed record SummaryRendition(RenditionFacts Facts, IReadOnlyDictionary<string, string> Files,
    IReadOnlyDictionary<ScoreAt, IReadOnlyDictionary<string, PooledScore>> Pooled);

/// <summary>summary.json as <see cref="SummaryReader.ReadSummary"/> reads it; no score log is read.</summary>
public sealed record SummaryFile(string Source, RunStart? Start, long Frames, TimeSpan Wall, DateTimeOffset? FinishedAt,
    IReadOnlyList<SummaryRendition> Renditions, IReadOnlyList<Check> Checks, IReadOnlyList<long> DamagedSourceFrames);
