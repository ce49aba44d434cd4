using System.Text.Json;
using EncodeQuality.Decisions.Compare;
using EncodeQuality.Tests.Support;

namespace EncodeQuality.Tests;

/// <summary>AV1 rungs in the same ladders, outputs, store and comparisons as x264 and x265.</summary>
public class Av1LadderTests
{
    /// <summary>
    /// One run with all four encoders, scored at encode and at source, cut into 1 s segments:
    /// every output and store row is there, the AV1 files are AV1 in MP4 ("av01") as FFmpeg reads
    /// them, and every segment of every rung starts on a key frame in the written file.
    /// </summary>
    [Fact]
    public void A_mixed_ladder_with_segments_writes_every_output_and_store_row()
    {
        string dir = Repo.Scratch("av1-mixed"), outDir = Path.Combine(dir, "out"), store = Path.Combine(dir, "runs.db");
        string ladder = Path.Combine(dir, "ladder.json");
        File.WriteAllText(ladder, """
            {"renditions": [
              {"name": "h264", "codec": "x264", "height": 216, "crf": 26, "preset": "veryfast"},
              {"name": "hevc", "codec": "x265", "height": 216, "crf": 28, "preset": "ultrafast"},
              {"name": "svt", "codec": "svtav1", "height": 216, "crf": 38, "preset": "12"},
              {"name": "rav1e", "codec": "rav1e", "height": 144, "crf": 110, "preset": "10"}]}
            """);
        var o = EqProcess.Run("encode", Repo.Media("BA1_FT_C.264"), "--ladder", ladder, "--out", outDir, "--frames", "50", "--metrics", "vmaf,psnr",
            "--vmaf-engine", "managed", "--score-at", "both", "--segment-duration", "1", "--store", store);
        Assert.True(o.ExitCode == 0, o.StdErr);
        string[] names = ["h264", "hevc", "svt", "rav1e"];
        foreach (var n in names)
            foreach (var file in new[] { $"{n}.mp4", $"{n}.scores.json", $"{n}.source-scores.json", $"{n}.segments.json" })
                Assert.True(File.Exists(Path.Combine(outDir, file)), $"{file} is missing");
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        Assert.Equal(["x264", "x265", "svtav1", "rav1e"], summary.RootElement.GetProperty("renditions").EnumerateArray().Select(r => r.GetProperty("codec").GetString()));
        foreach (var n in new[] { "svt", "rav1e" })
        {
            string file = Path.Combine(outDir, $"{n}.mp4");
            Assert.Equal("av1,av01", Ffmpeg.Probe("-show_entries", "stream=codec_name,codec_tag_string", "-of", "csv=p=0", file).Trim());
            var size = Ffmpeg.Probe("-show_entries", "stream=width,height", "-of", "csv=p=0", file).Trim().Split(',').Select(int.Parse).ToArray();
            Assert.Equal(50, Ffmpeg.DecodeFrames(file, "yuv420p", size[0] * size[1] * 3 / 2, ["-c:v", "libdav1d"]).Count);
        }
        // Key frames where segments start (frames 0 and 25 at 25 fps), as the written files say.
        foreach (var n in names)
        {
            var keys = Ffmpeg.Probe("-select_streams", "v", "-show_entries", "packet=pts,flags", "-of", "csv=p=0", Path.Combine(outDir, $"{n}.mp4"))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).Where(p => p[1].StartsWith('K')).Select(p => long.Parse(p[0])).ToList();
            long second = long.Parse(Ffmpeg.Probe("-select_streams", "v", "-show_entries", "stream=time_base", "-of", "csv=p=0", Path.Combine(outDir, $"{n}.mp4")).Trim().Split('/')[1]);
            Assert.True(keys.Contains(0) && keys.Any(k => Math.Abs(k - second) <= 1), $"{n}: key frames at {string.Join(", ", keys)}, time base 1/{second}");
            using var segments = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, $"{n}.segments.json")));
            Assert.True(segments.RootElement.GetProperty("segments").GetArrayLength() >= 2);
        }
        Assert.Equal(names, StoreRows(store, "SELECT name FROM renditions ORDER BY position"));
        Assert.Equal(["x264", "x265", "svtav1", "rav1e"], StoreRows(store, "SELECT codec FROM renditions ORDER BY position"));
    }

    /// <summary>
    /// eq's SVT-AV1 rung and FFmpeg's libsvtav1 with the same settings write the same stream: the
    /// glue gives the library what FFmpeg does (FFmpeg 5.1's wrapper sets 4 hierarchical levels of
    /// its own, so they are set to SVT-AV1's default, 5, which eq keeps).
    /// </summary>
    [Fact]
    public void An_svtav1_rung_decodes_as_ffmpegs_libsvtav1_encode_with_the_same_settings()
    {
        string dir = Repo.Scratch("av1-ffmpeg"), ladder = Path.Combine(dir, "ladder.json"), outDir = Path.Combine(dir, "out");
        File.WriteAllText(ladder, """{"renditions": [{"name": "svt", "codec": "svtav1", "height": 288, "crf": 35, "preset": "10", "keyint": 20}]}""");
        var o = EqProcess.Run("encode", Repo.Media("BA1_FT_C.264"), "--ladder", ladder, "--out", outDir, "--frames", "30", "--metrics", "none");
        Assert.True(o.ExitCode == 0, o.StdErr);
        string ff = Path.Combine(dir, "ffmpeg.mp4");
        Ffmpeg.Run("-i", Repo.Media("BA1_FT_C.264"), "-frames:v", "30", "-c:v", "libsvtav1", "-preset", "10", "-crf", "35", "-g", "20",
            "-svtav1-params", "hierarchical-levels=5", "-y", ff);
        int frameBytes = 352 * 288 * 3 / 2;
        var ours = Ffmpeg.DecodeFrames(Path.Combine(outDir, "svt.mp4"), "yuv420p", frameBytes, ["-c:v", "libdav1d"]);
        var theirs = Ffmpeg.DecodeFrames(ff, "yuv420p", frameBytes, ["-c:v", "libdav1d"]);
        Assert.Equal(30, ours.Count);
        Assert.Equal(theirs.Count, ours.Count);
        for (int f = 0; f < ours.Count; f++) Assert.True(ours[f].AsSpan().SequenceEqual(theirs[f]), $"frame {f} differs");
    }

    /// <summary>
    /// The BD-rate of an SVT-AV1 ladder against an x264 ladder (VMAF at source, the same rung
    /// names) is what an independent BD-rate computation gives from the two summaries' points.
    /// </summary>
    [Fact]
    public void Compare_gives_the_bd_rate_of_an_svtav1_ladder_against_x264()
    {
        string dir = Repo.Scratch("av1-bd");
        string Run(string codec, string preset, int[] crfs)
        {
            string ladder = Path.Combine(dir, codec + ".json"), outDir = Path.Combine(dir, codec);
            var rungs = new[] { 144, 216, 288, 288 }.Select((h, i) => $$"""{"name": "r{{i}}", "codec": "{{codec}}", "height": {{h}}, "crf": {{crfs[i]}}, "preset": "{{preset}}"}""");
            File.WriteAllText(ladder, $$"""{"renditions": [{{string.Join(",", rungs)}}]}""");
            var o = EqProcess.Run("encode", Repo.Media("BA1_FT_C.264"), "--ladder", ladder, "--out", outDir, "--frames", "30", "--metrics", "vmaf",
                "--vmaf-engine", "managed", "--score-at", "source");
            Assert.True(o.ExitCode == 0, o.StdErr);
            return outDir;
        }
        string x264 = Run("x264", "medium", [30, 27, 25, 21]), svt = Run("svtav1", "10", [42, 38, 35, 28]);
        string json = Path.Combine(dir, "cmp.json");
        var c = EqProcess.Run("compare", x264, svt, "--json", json);
        Assert.True(c.ExitCode == 0, c.StdErr);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var bd = doc.RootElement.GetProperty("sources")[0].GetProperty("bd").EnumerateArray().Single(b => b.GetProperty("score_at").GetString() == "source");
        Assert.Equal(4, bd.GetProperty("points").GetInt32());
        static RatePoint[] Points(string run)
        {
            using var s = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json")));
            return s.RootElement.GetProperty("renditions").EnumerateArray()
                .Select(r => new RatePoint(r.GetProperty("bitrate_kbps").GetDouble(), r.GetProperty("source_scores").GetProperty("vmaf").GetProperty("mean").GetDouble()))
                .ToArray();
        }
        // summary.json rounds to six decimals; the comparison pools the scores afresh.
        Assert.Equal(BdRateTests.Independent.BdRate(Points(x264), Points(svt), pchip: true), bd.GetProperty("bd_rate_percent").GetDouble(), 0.01);
    }

    private static List<string> StoreRows(string store, string sql)
    {
        using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store}");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var rows = new List<string>();
        while (r.Read()) rows.Add(r.GetString(0));
        return rows;
    }
}
