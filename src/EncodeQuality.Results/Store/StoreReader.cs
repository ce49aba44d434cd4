using System.Globalization;
using EncodeQuality.Model;

namespace EncodeQuality.Results.Store;

/// <summary>A stored run read back whole (run, renditions, per-frame scores, checks), for reports.</summary>
public static class StoreReader
{
    public static RunOutcome Read(ResultStore store, string runId)
    {
        var runs = StoreQueries.Select(store, """
            SELECT id, job_id, kind, source_path, source_hash, source_codec, source_width, source_height, source_bit_depth, source_fps,
                   frames, ladder, settings, host, eq_version, libraries, started_at, finished_at, wall_seconds, sampled, tools
            FROM runs WHERE id = @run AND status = 'complete'
            """, runId);
        if (runs.Rows.Count == 0) throw new InputException($"run {runId}: not in {store.Location}");
        var r = runs.Rows[0];
        double fps = Convert.ToDouble(r[9], CultureInfo.InvariantCulture);
        // The store keeps the frame rate as a number, not its fraction: read back to a thousandth.
        var source = new SourceFacts((string)r[3]!, (string)r[4]!, Int(r[6]), Int(r[7]), Int(r[8]), (int)Math.Round(fps * 1000), 1000, (string)r[5]!);
        var start = new RunStart((string)r[0]!, r[1] as string, (string)r[2]!, source, r[11]?.ToString(), r[12]!.ToString()!, (string)r[13]!,
            (string)r[14]!, (string)r[15]!, Time(r[16])) { Sampled = Convert.ToBoolean(r[19], CultureInfo.InvariantCulture), Tools = r[20]?.ToString() ?? "{}" };

        var sheets = new Dictionary<(string, ScoreAt), ScoreSheet>();
        foreach (var f in StoreQueries.Select(store, """
            SELECT rendition, score_at, metric, frame, value FROM frames WHERE run_id = @run ORDER BY rendition, score_at, metric, frame
            """, runId).Rows)
        {
            var key = ((string)f[0]!, (string)f[1]! == "source" ? ScoreAt.Source : ScoreAt.Encode);
            if (!sheets.TryGetValue(key, out var sheet)) sheets[key] = sheet = new ScoreSheet();
            sheet.Set(sheet.Column((string)f[2]!), Convert.ToInt64(f[3]), Convert.ToDouble(f[4], CultureInfo.InvariantCulture));
        }
        var renditions = StoreQueries.Select(store, """
            SELECT name, codec, width, height, bit_depth, rate_control, settings, frames, size_bytes, bitrate_kbps, encode_fps, score_fps, file
            FROM renditions WHERE run_id = @run ORDER BY position
            """, runId).Rows.Select(d =>
        {
            var facts = new RenditionFacts
            {
                Name = (string)d[0]!, Codec = (string)d[1]!, Width = Int(d[2]), Height = Int(d[3]), BitDepth = Int(d[4]), RateControl = d[5] as string,
                Settings = d[6]?.ToString(), Frames = Convert.ToInt64(d[7]), SizeBytes = Convert.ToInt64(d[8]),
                BitrateKbps = Convert.ToDouble(d[9], CultureInfo.InvariantCulture), EncodeFps = d[10] is null ? null : Convert.ToDouble(d[10], CultureInfo.InvariantCulture),
                ScoreFps = d[11] is null ? null : Convert.ToDouble(d[11], CultureInfo.InvariantCulture), File = (string)d[12]!,
            };
            var scores = new List<ScoreSet>();
            foreach (var mode in (ScoreAt[])[ScoreAt.Encode, ScoreAt.Source])
                if (sheets.TryGetValue((facts.Name, mode), out var sheet)) scores.Add(new ScoreSet(mode, sheet));
            return new RenditionOutcome(facts, null, scores);
        }).ToList();
        var checks = StoreQueries.Select(store, """
            SELECT kind, rule, rendition, score_at, measured, required, result, fatal, message FROM checks WHERE run_id = @run ORDER BY id
            """, runId).Rows.Select(c => new Check((string)c[0]!, (string)c[1]!, c[2] as string,
                c[3] is string m ? (m == "source" ? ScoreAt.Source : ScoreAt.Encode) : null,
                c[4] is null ? null : Convert.ToDouble(c[4], CultureInfo.InvariantCulture), c[5] is null ? null : Convert.ToDouble(c[5], CultureInfo.InvariantCulture),
                Enum.Parse<CheckResult>((string)c[6]!, ignoreCase: true), Convert.ToBoolean(c[7], CultureInfo.InvariantCulture), (string)c[8]!)).ToList();
        return new RunOutcome(start, Convert.ToInt64(r[10]), TimeSpan.FromSeconds(Convert.ToDouble(r[18], CultureInfo.InvariantCulture)), Time(r[17]), renditions)
        {
            Checks = checks,
        };
    }

    private static int Int(object? v) => (int)Convert.ToInt64(v, CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(object? v) => DateTimeOffset.Parse((string)v!, CultureInfo.InvariantCulture);
}
