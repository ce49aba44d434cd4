using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using EncodeQuality.Tests.Support;
using EncodeQuality.Model;

namespace EncodeQuality.Tests;

/// <summary>
/// Per-segment scores (eq encode --segment-duration): each segment's pooled figures recomputed from the
/// score logs' frames, and its boundaries found on the output's keyframes by ffprobe.
/// </summary>
public class SegmentTests
{

    /// <summary>Equal to the logs' six printed decimals: each value there is rounded by up to 5e-7.</summary>
    private static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 2e-6, $"expected {expected}, got {actual}");
    private static double[] FrameValues(string log, string metric)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(log));
        return [.. doc.RootElement.GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("metrics").GetProperty(metric).GetDouble())];
    }

    /// <summary>numpy's default percentile (linear between closest ranks), computed here by hand.</summary>
    private static double Percentile(IEnumerable<double> values, double p)
    {
        var s = values.Order().ToArray();
        double rank = p / 100 * (s.Length - 1);
        int lo = (int)rank;
        return lo + 1 < s.Length ? s[lo] + (rank - lo) * (s[lo + 1] - s[lo]) : s[lo];
    }

    /// <summary>Display indices of the keyframes in a media file, from ffprobe's packet flags and timestamps.</summary>
    private static long[] Keyframes(string media, double fps)
    {
        var psi = new ProcessStartInfo("ffprobe", ["-v", "error", "-select_streams", "v", "-show_entries", "stream=time_base:packet=pts,flags", "-of", "json", media])
        {
            RedirectStandardOutput = true,
        };
        using var p = Process.Start(psi)!;
        using var doc = JsonDocument.Parse(p.StandardOutput.ReadToEnd());
        p.WaitForExit();
        var tb = doc.RootElement.GetProperty("streams")[0].GetProperty("time_base").GetString()!.Split('/');
        double unit = double.Parse(tb[0]) / double.Parse(tb[1]);
        return [.. doc.RootElement.GetProperty("packets").EnumerateArray()
            .Where(k => k.GetProperty("flags").GetString()!.Contains('K'))
            .Select(k => (long)Math.Round(k.GetProperty("pts").GetInt64() * unit * fps)).Order()];
    }

    [Theory]
    [InlineData("1", new long[] { 0, 30, 60 })]
    [InlineData("0.7", new long[] { 0, 21, 42, 63, 84 })]
    public void Segments_pool_their_own_frames_and_start_on_keyframes(string seconds, long[] starts)
    {
        string dir = Repo.Scratch("segments-" + seconds);
        string ladder = Path.Combine(dir, "ladder.json");
        File.WriteAllText(ladder, """
            {"renditions": [{"name": "360p", "codec": "x264", "height": 360, "crf": 30, "preset": "veryfast"},
                            {"name": "540p", "codec": "x265", "height": 540, "crf": 30, "preset": "ultrafast"}]}
            """);
        string outDir = Path.Combine(dir, "run"), store = Path.Combine(dir, "eq.db"), imported = Path.Combine(dir, "imported.db");
        if (Directory.Exists(outDir)) Directory.Delete(outDir, true);
        foreach (var db in new[] { store, imported }) File.Delete(db);
        var run = EqProcess.Run("encode", Repo.Media("VID_1280x720_cabac_temporal_direct.264"), "--ladder", ladder, "--frames", "90",
            "--metrics", "vmaf,psnr", "--score-at", "both", "--vmaf-engine", "managed", "--segment-duration", seconds, "--out", outDir, "--store", store);
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal(0, EqProcess.Run("store", "import", outDir, "--store", imported).ExitCode);
        foreach (var rendition in new[] { "360p", "540p" })
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, $"{rendition}.segments.json")));
            var segments = doc.RootElement.GetProperty("segments").EnumerateArray().ToList();
            Assert.Equal(starts, segments.Select(s => s.GetProperty("first_frame").GetInt64()));
            // Every boundary is a keyframe of the output, as ffprobe reads it.
            var keyframes = Keyframes(Path.Combine(outDir, $"{rendition}.mp4"), 30);
            Assert.Subset(keyframes.ToHashSet(), starts.ToHashSet());
            Assert.True(doc.RootElement.GetProperty("boundaries_held").GetBoolean());
            foreach (var (mode, log) in new[] { ("encode", $"{rendition}.scores.json"), ("source", $"{rendition}.source-scores.json") })
                foreach (var metric in new[] { "vmaf", "psnr_y" })
                {
                    var frames = FrameValues(Path.Combine(outDir, log), metric);
                    foreach (var s in segments)
                    {
                        var own = frames.Skip((int)s.GetProperty("first_frame").GetInt64()).Take((int)s.GetProperty("frames").GetInt64()).ToList();
                        var pooled = s.GetProperty(mode).GetProperty(metric);
                        // Six decimals, as the logs print them.
                        Close(own.Average(), pooled.GetProperty("mean").GetDouble());
                        Close(own.Min(), pooled.GetProperty("min").GetDouble());
                        Close(Percentile(own, 5), pooled.GetProperty("p5").GetDouble());
                    }
                }
            // MQA-VIDEO from the source-size VMAF: 0.6 mean + 0.4 p5.
            foreach (var s in segments)
            {
                var vmaf = s.GetProperty("source").GetProperty("vmaf");
                Close(0.6 * vmaf.GetProperty("mean").GetDouble() + 0.4 * vmaf.GetProperty("p5").GetDouble(), s.GetProperty("mqa_video").GetDouble());
            }
            // The store holds the same segments, written by the run and imported from the folder alike.
            foreach (var db in new[] { store, imported })
            {
                using var c = new SqliteConnection($"Data Source={db}");
                c.Open();
                using var q = c.CreateCommand();
                q.CommandText = """
                    SELECT s.idx, s.first_frame, s.frames, s.starts_on_keyframe, s.mqa_video, ss.mean, ss.p5
                    FROM segments s JOIN renditions r ON r.id = s.rendition_id JOIN segment_scores ss ON ss.segment_id = s.id
                    WHERE r.name = $r AND ss.score_at = 'source' AND ss.metric = 'vmaf' ORDER BY s.idx
                    """;
                q.Parameters.AddWithValue("$r", rendition);
                using var rows = q.ExecuteReader();
                int n = 0;
                while (rows.Read())
                {
                    var s = segments[n++];
                    Assert.Equal(s.GetProperty("index").GetInt64(), rows.GetInt64(0));
                    Assert.Equal(s.GetProperty("first_frame").GetInt64(), rows.GetInt64(1));
                    Assert.Equal(s.GetProperty("frames").GetInt64(), rows.GetInt64(2));
                    Assert.True(rows.GetBoolean(3));
                    Close(s.GetProperty("mqa_video").GetDouble(), rows.GetDouble(4));
                    Close(s.GetProperty("source").GetProperty("vmaf").GetProperty("mean").GetDouble(), rows.GetDouble(5));
                    Close(s.GetProperty("source").GetProperty("vmaf").GetProperty("p5").GetDouble(), rows.GetDouble(6));
                }
                Assert.Equal(segments.Count, n);
            }
        }
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        Assert.Contains(summary.RootElement.GetProperty("renditions").EnumerateArray(), r => r.GetProperty("files").GetProperty("segments").GetString() == "360p.segments.json");
    }

    [Fact]
    public void Segment_starts_are_the_nearest_frames_or_the_encoders_keyint()
    {
        // Hand-computed: k·0.7 s at 30 fps; k·2 s at 30000/1001 (59.94 -> 60, 119.88 -> 120, ...).
        Assert.Equal([0, 21, 42, 63, 84], SegmentPlan.Parse("0.7").Starts(90, 30, 1, 250));
        Assert.Equal([0, 60, 120, 180, 240, 300], SegmentPlan.Parse("2").Starts(301, 30000, 1001, 250));
        Assert.Equal([0, 48, 96], SegmentPlan.Parse("keyint").Starts(100, 25, 1, 48));
        Assert.Equal([0], SegmentPlan.Parse("keyint").Starts(100, 25, 1, 0)); // no keyint reported: one segment
        Assert.False(SegmentPlan.Parse("keyint").ForcesKeyframes);
        foreach (var bad in new[] { "0", "-1", "two", "NaN" })
            Assert.Throws<InputException>(() => SegmentPlan.Parse(bad));
    }

    [Fact]
    public void Keyint_segments_report_whether_the_encoders_keyframes_fell_on_them()
    {
        string dir = Repo.Scratch("segments-keyint");
        string ladder = Path.Combine(dir, "ladder.json");
        File.WriteAllText(ladder, """{"renditions": [{"name": "360p", "codec": "x264", "height": 360, "crf": 30, "keyint": 30, "preset": "veryfast"}]}""");
        string outDir = Path.Combine(dir, "run");
        var run = EqProcess.Run("encode", Repo.Media("VID_1280x720_cabac_temporal_direct.264"), "--ladder", ladder, "--frames", "90",
            "--metrics", "psnr", "--segment-duration", "keyint", "--out", outDir);
        Assert.True(run.ExitCode == 0, run.StdErr);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "360p.segments.json")));
        var segments = doc.RootElement.GetProperty("segments").EnumerateArray().ToList();
        Assert.Equal([0L, 30, 60], segments.Select(s => s.GetProperty("first_frame").GetInt64()));
        // Whatever the encoder did, each segment's flag is what ffprobe finds in the file.
        var keyframes = Keyframes(Path.Combine(outDir, "360p.mp4"), 30).ToHashSet();
        foreach (var s in segments)
            Assert.Equal(keyframes.Contains(s.GetProperty("first_frame").GetInt64()), s.GetProperty("starts_on_keyframe").GetBoolean());
        Assert.Equal(segments.All(s => s.GetProperty("starts_on_keyframe").GetBoolean()), doc.RootElement.GetProperty("boundaries_held").GetBoolean());
    }
    [Fact]
    public void A_damaged_source_picture_fails_the_run_or_counts_as_its_segments_error()
    {
        // A 60-frame H.264 source without B-frames (packet k is frame k), keyframes at 0 and 30;
        // then 200 bytes in the middle of frame 30's packet flipped, as a damaged transfer would.
        string dir = Repo.Scratch("segments-damaged");
        string clean = Path.Combine(dir, "clean.264"), damaged = Path.Combine(dir, "damaged.264");
        Ffmpeg.Run("-y", "-i", Repo.Media("VID_1280x720_cabac_temporal_direct.264"), "-frames:v", "60", "-c:v", "libx264",
            "-x264-params", "keyint=30:min-keyint=30:scenecut=0:bframes=0", "-f", "h264", clean);
        var packets = Ffmpeg.Probe("-show_entries", "packet=pos,size", "-of", "csv=p=0", clean)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToList();
        const int hit = 30; // the first frame of the second segment, so an off-by-one puts it in the wrong one
        var bytes = File.ReadAllBytes(clean);
        int size = int.Parse(packets[hit][0]), pos = int.Parse(packets[hit][1]);
        for (int i = pos + size / 3; i < pos + size / 3 + 200; i++) bytes[i] ^= 0x5a;
        File.WriteAllBytes(damaged, bytes);
        // FFmpeg's own count of the pictures it had to conceal: the reference.
        int concealed = Ffmpeg.WarningLines("-i", damaged, "-f", "null", "-").Count(l => l.Contains("corrupt decoded frame"));
        Assert.Equal(1, concealed);

        string ladder = Path.Combine(dir, "ladder.json");
        File.WriteAllText(ladder, """{"renditions": [{"name": "360p", "codec": "x264", "height": 360, "crf": 30, "preset": "veryfast"}]}""");
        string failed = Path.Combine(dir, "failed"), concealedRun = Path.Combine(dir, "concealed");
        foreach (var d in new[] { failed, concealedRun }) if (Directory.Exists(d)) Directory.Delete(d, true);

        // By default the damage stops the run with one line naming the frame, and leaves no results.
        var stop = EqProcess.Run("encode", damaged, "--ladder", ladder, "--metrics", "psnr", "--segment-duration", "1", "--out", failed);
        Assert.Equal(1, stop.ExitCode);
        Assert.Contains($"frame {hit}: damaged picture", stop.StdErr);
        Assert.False(File.Exists(Path.Combine(failed, "summary.json")));

        // With --source-errors conceal the run goes on; the damaged frame is its segment's error.
        var run = EqProcess.Run("encode", damaged, "--ladder", ladder, "--metrics", "psnr", "--segment-duration", "1", "--out", concealedRun,
            "--source-errors", "conceal");
        Assert.True(run.ExitCode == 0, run.StdErr);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(concealedRun, "summary.json")));
        Assert.Equal([(long)hit], summary.RootElement.GetProperty("source_frames_damaged").EnumerateArray().Select(f => f.GetInt64()));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(concealedRun, "360p.segments.json")));
        var errors = doc.RootElement.GetProperty("segments").EnumerateArray().Select(g => g.GetProperty("errors").GetInt32()).ToList();
        Assert.Equal([0, concealed], errors); // frames 0-29, then 30-59
        // ... and reaches the packager's header.
        var headers = EqProcess.Run("mqa", "headers", Path.Combine(concealedRun, "360p.segments.json"));
        Assert.True(headers.ExitCode == 0, headers.StdErr);
        var lines = headers.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("org.svta.mqa-errors=0", lines[0]);
        Assert.Contains($"org.svta.mqa-errors={concealed}", lines[1]);
    }
}
