using System.Diagnostics;
using System.Text.Json;
using EncodeQuality.Downstream.Mqa;
using EncodeQuality.Tests.Support;

namespace EncodeQuality.Tests;

/// <summary>
/// CMSD-MQA downstream (eq mqa): every header a real run's segments give parses as an RFC 8941
/// dictionary (our own parser, written from the RFC's algorithms, not the serialiser), carries the
/// segments file's values, shifts by one with --carry next, and the HLS tags line up with a playlist
/// FFmpeg's HLS muxer cut from the rendition.
/// </summary>
public class MqaTests
{
    private static decimal Sf3(double v) => Math.Round((decimal)v, 3, MidpointRounding.ToEven);

    private static (string Carrier, IReadOnlyDictionary<string, Rfc8941.Member> Dict)[] Headers(string stdout) =>
        [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var parts = line.Split('\t');
            Assert.Equal(2, parts.Length);
            Assert.StartsWith("CMSD-Static: ", parts[1]);
            return (parts[0], Rfc8941.ParseDictionary(parts[1]["CMSD-Static: ".Length..]));
        })];

    [Fact]
    public void Headers_and_hls_tags_carry_each_segments_values()
    {
        string dir = Repo.Scratch("mqa");
        string ladder = Path.Combine(dir, "ladder.json");
        File.WriteAllText(ladder, """{"renditions": [{"name": "540p", "codec": "x264", "height": 540, "crf": 28, "preset": "veryfast"}]}""");
        string outDir = Path.Combine(dir, "run");
        if (Directory.Exists(outDir)) Directory.Delete(outDir, true);
        var run = EqProcess.Run("encode", Repo.Media("VID_1280x720_cabac_temporal_direct.264"), "--ladder", ladder, "--frames", "120",
            "--metrics", "vmaf,psnr,ssim", "--score-at", "source", "--vmaf-engine", "managed", "--segment-duration", "1", "--out", outDir);
        Assert.True(run.ExitCode == 0, run.StdErr);
        string segmentsFile = Path.Combine(outDir, "540p.segments.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(segmentsFile));
        var segments = doc.RootElement.GetProperty("segments").EnumerateArray().ToList();
        Assert.Equal(4, segments.Count);

        void Carries(IReadOnlyDictionary<string, Rfc8941.Member> d, JsonElement s)
        {
            Assert.Equal((long)s.GetProperty("index").GetInt32(), d["org.svta.mqa-seg"].Value);
            Assert.Equal(Sf3(s.GetProperty("mqa_video").GetDouble()), d["org.svta.mqa-video"].Value);
            var source = s.GetProperty("source");
            Assert.Equal(Sf3(source.GetProperty("vmaf").GetProperty("mean").GetDouble()), d["org.svta.mqa-vmaf"].Value);
            Assert.Equal(Sf3(source.GetProperty("vmaf").GetProperty("p5").GetDouble()), d["org.svta.mqa-vmaf-p5"].Value);
            Assert.Equal(Sf3(source.GetProperty("psnr_y").GetProperty("mean").GetDouble()), d["org.svta.mqa-psnr"].Value);
            Assert.Equal(Sf3(source.GetProperty("float_ssim").GetProperty("mean").GetDouble()), d["org.svta.mqa-ssim"].Value);
            Assert.Equal(0L, d["org.svta.mqa-errors"].Value);
        }

        // Each segment's values on its own response.
        var same = Headers(EqProcess.Run("mqa", "headers", segmentsFile).StdOut);
        Assert.Equal(["0", "1", "2", "3"], same.Select(h => h.Carrier));
        for (int i = 0; i < 4; i++) Carries(same[i].Dict, segments[i]);

        // --carry next: segment N's values ride on N+1's response, the last in a trailing record.
        var next = Headers(EqProcess.Run("mqa", "headers", segmentsFile, "--carry", "next").StdOut);
        Assert.Equal(["1", "2", "3", "trailer"], next.Select(h => h.Carrier));
        for (int i = 0; i < 4; i++) Carries(next[i].Dict, segments[i]);

        // Keys from a file: renamed, and null leaves a field out.
        string keys = Path.Combine(dir, "keys.json");
        File.WriteAllText(keys, """{"mqa_video": "com.example-q", "vmaf_min": null, "psnr": null}""");
        var renamed = Headers(EqProcess.Run("mqa", "headers", segmentsFile, "--mqa-keys", keys).StdOut);
        Assert.Equal(Sf3(segments[0].GetProperty("mqa_video").GetDouble()), renamed[0].Dict["com.example-q"].Value);
        Assert.DoesNotContain("org.svta.mqa-vmaf-min", renamed[0].Dict.Keys);
        Assert.DoesNotContain("org.svta.mqa-psnr", renamed[0].Dict.Keys);
        // A value no structured-field Decimal holds (at most 12 integer digits) is an input error, not a crash.
        var huge = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(segmentsFile))!;
        huge["segments"]![0]!["mqa_video"] = 1e300;
        string hugeFile = Path.Combine(dir, "huge.segments.json");
        File.WriteAllText(hugeFile, huge.ToJsonString());
        var tooBig = EqProcess.Run("mqa", "headers", hugeFile);
        Assert.Equal(1, tooBig.ExitCode);
        Assert.Contains("does not fit a structured-field Decimal", Assert.Single(tooBig.Errors));
        File.WriteAllText(keys, """{"mqa_video": "MQA-VIDEO"}""");
        var bad = EqProcess.Run("mqa", "headers", segmentsFile, "--mqa-keys", keys);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("not a structured-field key", Assert.Single(bad.Errors));

        // HLS: FFmpeg's HLS muxer cuts the rendition at its keyframes every second; each segment gets its tag.
        string hlsDir = Path.Combine(dir, "hls");
        if (Directory.Exists(hlsDir)) Directory.Delete(hlsDir, true);
        Directory.CreateDirectory(hlsDir);
        string playlist = Path.Combine(hlsDir, "540p.m3u8");
        Ffmpeg("-i", Path.Combine(outDir, "540p.mp4"), "-c", "copy", "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod", playlist);
        string tagged = Path.Combine(hlsDir, "540p-mqa.m3u8");
        var hls = EqProcess.Run("mqa", "hls", playlist, "--segments", segmentsFile, "--out", tagged);
        Assert.True(hls.ExitCode == 0, hls.StdErr);
        var lines = File.ReadAllLines(tagged);
        var tags = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith("#EXT-EQ-MQA:")).ToList();
        Assert.Equal(4, tags.Count);
        for (int i = 0; i < 4; i++)
        {
            Assert.StartsWith("#EXTINF:", lines[tags[i].i + 1]);
            Carries(Rfc8941.ParseDictionary(tags[i].l["#EXT-EQ-MQA:".Length..]), segments[i]);
        }
        // The playlist's own lines are untouched, and tagging again changes nothing.
        Assert.Equal(File.ReadAllLines(playlist), lines.Where(l => !l.StartsWith("#EXT-EQ-MQA:")));
        Assert.Equal(File.ReadAllText(tagged), EqProcess.Run("mqa", "hls", tagged, "--segments", segmentsFile).StdOut);
        // A playlist cut differently (2 s segments) is refused in one line.
        string two = Path.Combine(hlsDir, "two.m3u8");
        Ffmpeg("-i", Path.Combine(outDir, "540p.mp4"), "-c", "copy", "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod",
            "-hls_segment_filename", Path.Combine(hlsDir, "two%d.ts"), two);
        var mismatch = EqProcess.Run("mqa", "hls", two, "--segments", segmentsFile);
        Assert.Equal(1, mismatch.ExitCode);
        Assert.Contains("not the same segmentation", Assert.Single(mismatch.Errors));
    }

    private static void Ffmpeg(params string[] args)
    {
        var psi = new ProcessStartInfo("ffmpeg", ["-v", "error", "-y", .. args]) { RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
    }

    [Fact]
    public void The_serialiser_writes_what_rfc_8941_parses_and_the_parser_refuses_what_it_must()
    {
        var d = new StructuredFieldDictionary()
            .Decimal("a", 93.12345).Decimal("b", 0.0005).Decimal("c", 100).Integer("n", -42)
            .String("s", "say \"hi\" \\ bye").Token("t", "vmaf_v0.6.1").Boolean("yes", true).Boolean("no", false);
        var parsed = Rfc8941.ParseDictionary(d.ToString());
        Assert.Equal(93.123m, parsed["a"].Value);
        Assert.Equal(0.0m, parsed["b"].Value); // 0.0005 rounds half to even
        Assert.Equal(100.0m, parsed["c"].Value);
        Assert.Equal(-42L, parsed["n"].Value);
        Assert.Equal("say \"hi\" \\ bye", parsed["s"].Value);
        Assert.Equal("vmaf_v0.6.1", parsed["t"].Value);
        Assert.Equal(true, parsed["yes"].Value);
        Assert.Equal(false, parsed["no"].Value);
        Assert.Throws<ArgumentException>(() => new StructuredFieldDictionary().Decimal("Upper", 1));
        Assert.Throws<ArgumentException>(() => new StructuredFieldDictionary().String("s", "é"));
        Assert.Throws<ArgumentException>(() => new StructuredFieldDictionary().Token("t", "720p"));
        // The parser fails where RFC 8941 says parsing fails.
        foreach (var bad in new[] { "a=1.2345", "A=1", "a=1,", "a=\"x", "a=1.", "a=1234567890123.5", "a=?2", "a=1 b=2" })
            Assert.Throws<Rfc8941.ParseException>(() => Rfc8941.ParseDictionary(bad));
    }
}
