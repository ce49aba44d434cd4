using System.Text.Json;
using EncodeQuality.Pipeline;
using EncodeQuality.Metrics;
using EncodeQuality.Vmaf;

namespace EncodeQuality.Results.Files;

/// <summary>
/// Reads a committed output folder back: summary.json for the run and its renditions, each score
/// log for the per-frame scores. eq store import loads what this returns.
/// </summary>
public static class SummaryReader
{
    /// <summary>The run id and job id (null without one) of the committed run a summary.json describes; null when there is none or it cannot be read.</summary>
    public static (string RunId, string? JobId)? TryOwner(string summaryPath)
    {
        try
        {
            if (!File.Exists(summaryPath)) return null;
            using var doc = JsonDocument.Parse(File.ReadAllBytes(summaryPath));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("run_id", out var run) || run.ValueKind != JsonValueKind.String) return null;
            return (run.GetString()!, root.TryGetProperty("job_id", out var job) && job.ValueKind == JsonValueKind.String ? job.GetString() : null);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The file names a summary lists (media and score logs); none if there is no readable summary.</summary>
    public static IReadOnlyList<string> TryListFiles(string summaryPath)
    {
        try
        {
            if (!File.Exists(summaryPath)) return [];
            using var doc = JsonDocument.Parse(File.ReadAllBytes(summaryPath));
            if (!doc.RootElement.TryGetProperty("renditions", out var list)) return [];
            return [.. list.EnumerateArray()
                .Where(r => r.TryGetProperty("files", out _))
                .SelectMany(r => r.GetProperty("files").EnumerateObject().Select(f => f.Value.GetString()!))
                .Where(n => n == Path.GetFileName(n))];
        }
        catch (Exception e) when (e is JsonException or IOException or InvalidOperationException or KeyNotFoundException)
        {
            return [];
        }
    }

    /// <summary>
    /// summary.json, read: the one parser of the file (eq store import, eq compare and the report
    /// all read runs through it). A summary from an eq before run ids has no <see cref="SummaryFile.Start"/>.
    /// </summary>
    public static SummaryFile ReadSummary(string file)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            var root = doc.RootElement;
            RunStart? start = null;
            if (root.TryGetProperty("run_id", out _))
            {
                var fps = Text(root, "source_fps_fraction").Split('/');
                var source = new SourceFacts(Text(root, "source"), Text(root, "source_hash"), Int(root, "source_width"), Int(root, "source_height"),
                    Int(root, "source_bit_depth"), int.Parse(fps[0]), int.Parse(fps[1]), Text(root, "source_codec"));
                start = new RunStart(Text(root, "run_id"), root.TryGetProperty("job_id", out var job) ? job.GetString() : null, Text(root, "kind"),
                    source, root.TryGetProperty("ladder", out var ladder) ? ladder.GetRawText() : null, root.GetProperty("settings").GetRawText(),
                    Text(root, "host"), Text(root, "eq_version"), Text(root, "libraries"), root.GetProperty("started_at").GetDateTimeOffset())
                {
                    Sampled = !root.TryGetProperty("sampled", out var sampled) || sampled.GetBoolean(),
                    Tools = root.TryGetProperty("tools", out var tools) ? tools.GetRawText() : "{}",
                };
            }
            var renditions = new List<SummaryRendition>();
            foreach (var r in root.GetProperty("renditions").EnumerateArray())
            {
                var facts = new RenditionFacts
                {
                    Name = Text(r, "name"), Codec = Text(r, "codec"), Width = Int(r, "width"), Height = Int(r, "height"),
                    BitDepth = Int(r, "bit_depth"), RateControl = r.TryGetProperty("rate_control", out var rc) ? rc.GetString() : null,
                    Settings = r.TryGetProperty("settings", out var st) ? st.GetRawText() : null, Frames = r.GetProperty("frames").GetInt64(),
                    SizeBytes = r.GetProperty("size_bytes").GetInt64(), BitrateKbps = r.GetProperty("bitrate_kbps").GetDouble(),
                    EncodeFps = r.TryGetProperty("encode_fps", out var ef) ? ef.GetDouble() : null,
                    ScoreFps = r.TryGetProperty("score_fps", out var sf) ? sf.GetDouble() : null, File = Text(r, "file"),
                };
                var files = r.TryGetProperty("files", out var listed)
                    ? listed.EnumerateObject().ToDictionary(f => f.Name, f => f.Value.GetString()!) : new Dictionary<string, string>();
                var pooled = new Dictionary<ScoreAt, IReadOnlyDictionary<string, PooledScore>>();
                foreach (var mode in new[] { ScoreAt.Encode, ScoreAt.Source })
                    if (r.TryGetProperty(FileSink.ScoresRole(mode), out var scores))
                        pooled[mode] = PooledReader.ByFeature(scores);
                renditions.Add(new SummaryRendition(facts, files, pooled));
            }
            var checks = root.TryGetProperty("verdict", out var verdict)
                ? verdict.GetProperty("checks").EnumerateArray().Select(ReadCheck).ToList() : [];
            return new SummaryFile(Text(root, "source"), start, root.GetProperty("frames").GetInt64(),
                TimeSpan.FromSeconds(root.GetProperty("wall_seconds").GetDouble()),
                root.TryGetProperty("finished_at", out var finished) ? finished.GetDateTimeOffset() : null, renditions, checks,
                root.TryGetProperty("source_frames_damaged", out var damaged) ? [.. damaged.EnumerateArray().Select(f => f.GetInt64())] : []);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException)
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
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var sheet = new ScoreSheet();
            foreach (var frame in doc.RootElement.GetProperty("frames").EnumerateArray())
            {
                long n = frame.GetProperty("frameNum").GetInt64();
                foreach (var m in frame.GetProperty("metrics").EnumerateObject()) sheet.Set(sheet.Column(m.Name), n, m.Value.GetDouble());
            }
            return sheet;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InputException($"{path}: not a score log eq can read ({e.Message})");
        }
    }

    private static string Text(JsonElement e, string key) => e.GetProperty(key).GetString() ?? throw new InvalidOperationException($"'{key}' is null");
    private static int Int(JsonElement e, string key) => e.GetProperty(key).GetInt32();

    /// <summary>A check as summary.json holds it, read back.</summary>
    private static Check ReadCheck(JsonElement e) => new(
        e.GetProperty("kind").GetString()!, e.GetProperty("rule").GetString()!,
        e.TryGetProperty("rendition", out var r) ? r.GetString() : null,
        e.TryGetProperty("score_at", out var m) ? (m.GetString() == "source" ? ScoreAt.Source : ScoreAt.Encode) : null,
        e.TryGetProperty("measured", out var v) ? v.GetDouble() : null, e.TryGetProperty("required", out var q) ? q.GetDouble() : null,
        Enum.Parse<CheckResult>(e.GetProperty("result").GetString()!, ignoreCase: true), e.GetProperty("fatal").GetBoolean(),
        e.GetProperty("message").GetString()!);
}

/// <summary>A rendition as summary.json lists it: its facts, its files by role, its pooled scores per score-at mode.</summary>
public sealed record SummaryRendition(RenditionFacts Facts, IReadOnlyDictionary<string, string> Files,
    IReadOnlyDictionary<ScoreAt, IReadOnlyDictionary<string, PooledScore>> Pooled);

/// <summary>summary.json as <see cref="SummaryReader.ReadSummary"/> reads it; no score log is read.</summary>
public sealed record SummaryFile(string Source, RunStart? Start, long Frames, TimeSpan Wall, DateTimeOffset? FinishedAt,
    IReadOnlyList<SummaryRendition> Renditions, IReadOnlyList<Check> Checks, IReadOnlyList<long> DamagedSourceFrames);
