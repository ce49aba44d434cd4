using EncodeQuality.Pipeline;
using System.Text.Json;

namespace EncodeQuality.Results.Files;

/// <summary>
/// OUT/summary.json: the run at a glance and its commit marker. The run (id, job id, source,
/// ladder, settings, versions, times) and one entry per rendition with its files and pooled
/// scores; <see cref="SummaryReader"/> reads it back for eq store import.
/// </summary>
public static class SummaryWriter
{
    /// <summary>One check as summary.json (and the report page) hold it.</summary>
    public static void WriteCheck(Utf8JsonWriter w, Check c)
    {
        w.WriteStartObject();
        w.WriteString("kind", c.Kind);
        w.WriteString("rule", c.Rule);
        if (c.Rendition is not null) w.WriteString("rendition", c.Rendition);
        if (c.Mode is { } mode) w.WriteString("score_at", ScoreSet.NameOf(mode));
        if (c.Measured is { } measured) w.WriteNumber("measured", Math.Round(measured, 6));
        if (c.Required is { } required) w.WriteNumber("required", required);
        w.WriteString("result", c.Result.ToString().ToLowerInvariant());
        w.WriteBoolean("fatal", c.Fatal);
        w.WriteString("message", c.Message);
        w.WriteEndObject();
    }

    public static void Write(string path, RunOutcome run, Func<RenditionOutcome, IReadOnlyDictionary<string, string>> files)
    {
        using var s = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        using (var w = new Utf8JsonWriter(s, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            WriteObject(w, run, files);
        s.Flush(flushToDisk: true);
    }

    /// <summary>The summary as one JSON object; <paramref name="more"/> adds properties at its end (the report adds its per-frame data).</summary>
    public static void WriteObject(Utf8JsonWriter w, RunOutcome run, Func<RenditionOutcome, IReadOnlyDictionary<string, string>> files,
        Action<Utf8JsonWriter>? more = null)
    {
        var start = run.Run;
        w.WriteStartObject();
        w.WriteString("version", ScoreLogWriter.Version);
        w.WriteString("run_id", start.RunId);
        if (start.JobId is not null) w.WriteString("job_id", start.JobId);
        w.WriteString("kind", start.Kind);
        w.WriteString("source", start.Source.Path);
        w.WriteString("source_hash", start.Source.Hash);
        w.WriteString("source_codec", start.Source.Codec);
        w.WriteString("source_format", $"{start.Source.Width}x{start.Source.Height} {start.Source.BitDepth}-bit");
        w.WriteNumber("source_width", start.Source.Width);
        w.WriteNumber("source_height", start.Source.Height);
        w.WriteNumber("source_bit_depth", start.Source.BitDepth);
        w.WriteString("source_fps_fraction", $"{start.Source.FpsNum}/{start.Source.FpsDen}");
        w.WriteNumber("source_fps", Math.Round(start.Source.Fps, 3));
        w.WriteNumber("frames", run.Frames);
        w.WriteStartArray("source_frames_damaged");
        foreach (long f in run.DamagedSourceFrames) w.WriteNumberValue(f);
        w.WriteEndArray();
        w.WriteNumber("wall_seconds", Math.Round(run.Wall.TotalSeconds, 3));
        w.WriteString("started_at", start.StartedAt);
        w.WriteString("finished_at", run.FinishedAt);
        w.WriteString("host", start.Host);
        w.WriteString("eq_version", start.EqVersion);
        w.WriteString("libraries", start.Libraries);
        w.WritePropertyName("tools");
        w.WriteRawValue(start.Tools);
        w.WritePropertyName("settings");
        w.WriteRawValue(start.Settings);
        w.WriteBoolean("sampled", start.Sampled);
        w.WriteStartObject("verdict");
        w.WriteBoolean("passed", !run.Failed);
        w.WriteStartArray("checks");
        foreach (var c in run.Checks) WriteCheck(w, c);
        w.WriteEndArray();
        w.WriteEndObject();
        if (start.Ladder is not null)
        {
            w.WritePropertyName("ladder");
            w.WriteRawValue(start.Ladder);
        }
        w.WriteStartArray("renditions");
        foreach (var r in run.Renditions)
        {
            w.WriteStartObject();
            WriteRendition(w, r.Facts);
            w.WriteStartObject("files");
            foreach (var (role, name) in files(r)) w.WriteString(role, name);
            w.WriteEndObject();
            foreach (var set in r.Scores)
            {
                w.WriteStartObject(FileSink.ScoresRole(set.Mode));
                foreach (var (name, p) in set.Pooled) ScoreLogWriter.Pooled(w, name, p);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        more?.Invoke(w);
        w.WriteEndObject();
    }

    public static void WriteRendition(Utf8JsonWriter w, RenditionFacts r)
    {
        w.WriteString("name", r.Name);
        w.WriteString("codec", r.Codec);
        w.WriteNumber("width", r.Width);
        w.WriteNumber("height", r.Height);
        w.WriteNumber("bit_depth", r.BitDepth);
        if (r.RateControl is not null) w.WriteString("rate_control", r.RateControl);
        if (r.Settings is not null)
        {
            w.WritePropertyName("settings");
            w.WriteRawValue(r.Settings);
        }
        if (r.Encoder is { } e)
        {
            w.WriteStartObject("encoder");
            w.WriteString("rate_control", e.Crf ? "crf" : "abr");
            if (e.Crf) w.WriteNumber("crf", Math.Round(e.CrfValue, 3));
            else w.WriteNumber("bitrate_kbps", e.BitrateKbps);
            if (e.MaxrateKbps > 0)
            {
                w.WriteNumber("maxrate_kbps", e.MaxrateKbps);
                w.WriteNumber("bufsize_kbits", e.BufsizeKbits);
            }
            w.WriteNumber("keyint", e.Keyint);
            w.WriteNumber("bframes", e.Bframes);
            w.WriteNumber("rc_lookahead", e.RcLookahead);
            w.WriteNumber("refs", e.Refs);
            w.WriteNumber("threads", e.Threads);
            w.WriteNumber("max_delayed_frames", e.MaxDelayedFrames);
            w.WriteEndObject();
        }
        w.WriteNumber("frames", r.Frames);
        w.WriteNumber("size_bytes", r.SizeBytes);
        w.WriteNumber("bitrate_kbps", Math.Round(r.BitrateKbps, 3));
        if (r.EncodeFps is { } encodeFps) w.WriteNumber("encode_fps", Math.Round(encodeFps, 2));
        if (r.ScoreFps is { } scoreFps) w.WriteNumber("score_fps", Math.Round(scoreFps, 2));
        w.WriteString("file", r.File);
        if (r.Queues is { } q)
        {
            w.WriteStartObject("queues");
            w.WriteNumber("encoder_max_delay", q.EncoderMaxDelay);
            w.WriteNumber("lookahead_capacity", q.LookaheadCapacity);
            w.WriteNumber("lookahead_high_water", q.LookaheadHighWater);
            w.WriteNumber("lookahead_beyond_capacity", q.LookaheadBeyond);
            w.WriteNumber("reorder_capacity", q.ReorderCapacity);
            w.WriteNumber("reorder_high_water", q.ReorderHighWater);
            w.WriteNumber("encoder_frames_high_water", q.EncoderHighWater);
            w.WriteNumber("rung_frames_bound", q.MaxRungFrames);
            w.WriteNumber("rung_frames_allocated", q.RungFramesAllocated);
            w.WriteEndObject();
        }
    }
}
