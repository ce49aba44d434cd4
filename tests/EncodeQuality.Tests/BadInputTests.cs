using EncodeQuality.Tests.Support;

namespace EncodeQuality.Tests;

/// <summary>
/// Bad input gets a one-line reason and its documented exit code (1: input, 2: processing), no
/// crash or stack trace, and no output that looks complete.
/// </summary>
public class BadInputTests
{
    private static readonly string Dir = Repo.Scratch("bad");

    private static void AssertRejected(EqProcess.Outcome o, int code, string because, string outDir)
    {
        Assert.True(code == o.ExitCode, $"exit {o.ExitCode}, expected {code}; stderr: {o.StdErr}");
        var line = Assert.Single(o.Errors);
        Assert.Contains(because, line, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", o.StdErr);
        Assert.DoesNotContain("Exception", o.StdErr);
        // Nothing that looks complete, and no temporaries left behind either.
        if (Directory.Exists(outDir)) Assert.Empty(Directory.GetFiles(outDir));
    }

    private static EqProcess.Outcome Encode(string source, string outDir, string ladder = "default", params string[] extra) =>
        EqProcess.Run(["encode", source, "--ladder", ladder, "--out", outDir, .. extra]);

    /// <summary>
    /// A model the engine cannot compute (an unknown feature, an option its extractor does not take,
    /// a CSF mode it does not implement) is an input error found before any frame is encoded.
    /// </summary>
    [Theory]
    [InlineData("feature", "not computed by this engine")]
    [InlineData("option", "has no option 'adm_bogus'")]
    [InlineData("csf", "adm_csf_mode 2 is not supported")]
    public void Model_the_engine_cannot_compute(string defect, string because)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Repo.Shared("vmaf-models/vmaf_v0.6.1neg.json")));
        var model = System.Text.Json.Nodes.JsonNode.Parse(doc.RootElement.GetRawText())!;
        var md = model["model_dict"]!;
        switch (defect)
        {
            case "feature": md["feature_names"]![0] = "VMAF_integer_feature_nope_score"; break;
            case "option": md["feature_opts_dicts"]![0] = new System.Text.Json.Nodes.JsonObject { ["adm_bogus"] = 1.0 }; break;
            case "csf": md["feature_opts_dicts"]![0] = new System.Text.Json.Nodes.JsonObject { ["adm_csf_mode"] = 2 }; break;
        }
        string path = Path.Combine(Dir, $"model-{defect}.json");
        File.WriteAllText(path, model.ToJsonString());
        var o = Path.Combine(Dir, $"out-model-{defect}");
        AssertRejected(Encode(Repo.Media("BA1_FT_C.264"), o, "default", "--vmaf-engine", "managed", "--vmaf-model", path), 1, because, o);
    }

    /// <summary>VMAF is computed by default; a picture too small for it is an input error, not a failure.</summary>
    [Fact]
    public void Picture_too_small_for_vmaf()
    {
        string tiny = Path.Combine(Dir, "tiny.y4m");
        Ffmpeg.Run("-f", "lavfi", "-i", "testsrc2=size=14x14:rate=25:duration=0.2", "-pix_fmt", "yuv420p", "-y", tiny);
        var o = EqProcess.Run("score", "--ref", tiny, "--dist", tiny, "--metrics", "vmaf", "--vmaf-engine", "managed");
        AssertRejected(o, 1, "VMAF needs at least 16x16 pixels, got 14x14", Path.Combine(Dir, "none"));
    }

    [Fact]
    public void Missing_file()
    {
        var o = Path.Combine(Dir, "out-missing");
        AssertRejected(Encode(Path.Combine(Dir, "nothere.mp4"), o), 1, "no such file", o);
    }

    [Fact]
    public void Empty_file()
    {
        var f = Path.Combine(Dir, "empty.mp4");
        File.WriteAllBytes(f, []);
        var o = Path.Combine(Dir, "out-empty");
        AssertRejected(Encode(f, o), 1, "empty", o);
    }

    [Fact]
    public void Text_file()
    {
        var f = Path.Combine(Dir, "notes.txt");
        File.WriteAllText(f, "this is not a video\n");
        var o = Path.Combine(Dir, "out-text");
        AssertRejected(Encode(f, o), 1, "cannot open", o);
    }

    [Fact]
    public void Truncated_mp4()
    {
        var full = Path.Combine(Dir, "full.mp4");
        Ffmpeg.Run("-i", Repo.Media("BA1_FT_C.264"), "-c", "copy", "-y", full);
        var bytes = File.ReadAllBytes(full);
        var cut = Path.Combine(Dir, "truncated.mp4");
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
        var o = Path.Combine(Dir, "out-trunc");
        AssertRejected(Encode(cut, o), 1, "truncated.mp4", o);
    }

    [Fact]
    public void Stream_cut_mid_frame()
    {
        var bytes = File.ReadAllBytes(Repo.Media("BA1_FT_C.264"));
        var cut = Path.Combine(Dir, "cut.264");
        File.WriteAllBytes(cut, bytes[..(bytes.Length * 6 / 10 + 37)]);
        var o = Path.Combine(Dir, "out-cut");
        AssertRejected(Encode(cut, o), 1, "frame", o);
    }

    [Fact]
    public void Odd_dimensions()
    {
        var f = Path.Combine(Dir, "odd.y4m");
        Ffmpeg.Run("-f", "lavfi", "-i", "testsrc2=s=322x242:d=0.2", "-vf", "format=yuv444p,crop=321:241", "-f", "yuv4mpegpipe", "-y", f);
        var o = Path.Combine(Dir, "out-odd");
        AssertRejected(Encode(f, o), 1, "even width and height", o);
    }

    [Fact]
    public void Raw_yuv_without_size()
    {
        var o = Path.Combine(Dir, "out-raw");
        AssertRejected(Encode(Repo.Media("CiscoVT2people_320x192_12fps.yuv"), o), 1, "--size", o);
    }

    [Theory]
    [InlineData("{\"renditions\": [ {\"name\": \"a\", \"codec\": \"x264\", \"height\": 144, \"crf\": 23,", "not valid JSON")]
    [InlineData("{\"renditions\": []}", "non-empty array")]
    [InlineData("{\"rungs\": []}", "\"renditions\"")]
    [InlineData("{\"renditions\": [ {\"name\": \"a\", \"codec\": \"x264\", \"height\": 144, \"crf\": 23, \"colour\": 1} ]}", "rendition 'a': unknown key 'colour'")]
    [InlineData("{\"renditions\": [ {\"name\": \"a\", \"codec\": \"vp9\", \"height\": 144, \"crf\": 23} ]}", "rendition 'a': 'codec'")]
    [InlineData("{\"renditions\": [ {\"name\": \"a\", \"codec\": \"x264\", \"crf\": 23} ]}", "rendition 'a': missing 'height'")]
    [InlineData("{\"renditions\": [ {\"name\": \"a\", \"codec\": \"x264\", \"height\": 145, \"crf\": 23} ]}", "rendition 'a': 'height' must be even")]
    [InlineData("{\"renditions\": [ {\"name\": \"a\", \"codec\": \"x264\", \"height\": 144} ]}", "rendition 'a': give exactly one of 'crf' and 'bitrate'")]
    [InlineData("{\"renditions\": [ {\"name\": \"a\", \"codec\": \"x264\", \"height\": 144, \"crf\": 99} ]}", "rendition 'a': 'crf'")]
    [InlineData("{\"renditions\": [ {\"name\": \"a\", \"codec\": \"x264\", \"height\": 144, \"bitrate\": \"fast\"} ]}", "rendition 'a': 'bitrate'")]
    [InlineData("{\"renditions\": [ {\"name\": \"a\", \"codec\": \"x264\", \"height\": 144, \"crf\": 23, \"preset\": \"warp\"} ]}", "rendition 'a': x264 rejects preset 'warp'")]
    [InlineData("{\"renditions\": [ {\"name\": \"a\", \"codec\": \"x264\", \"height\": 144, \"crf\": 23, \"params\": {\"no-such-option\": 1}} ]}", "rendition 'a': x264 has no option 'no-such-option'")]
    [InlineData("{\"renditions\": [ {\"name\": \"h\", \"codec\": \"x265\", \"height\": 144, \"crf\": 23, \"params\": {\"ref\": \"many\"}} ]}", "rendition 'h': x265 rejects ref=many")]
    [InlineData("{\"renditions\": [ {\"name\": \"a\", \"codec\": \"x264\", \"height\": 144, \"crf\": 23}, {\"name\": \"a\", \"codec\": \"x265\", \"height\": 144, \"crf\": 23} ]}", "'a' appears twice")]
    public void Ladder_with_mistakes(string ladder, string because)
    {
        var f = Path.Combine(Dir, $"ladder-{Guid.NewGuid():N}.json");
        File.WriteAllText(f, ladder);
        var o = Path.Combine(Dir, $"out-{Guid.NewGuid():N}");
        AssertRejected(Encode(Repo.Media("BA1_FT_C.264"), o, f, "--frames", "5"), 1, because, o);
    }

    [Fact]
    public void Unknown_metric_and_bad_options_are_usage_errors()
    {
        var o = Path.Combine(Dir, "out-usage");
        AssertRejected(Encode(Repo.Media("BA1_FT_C.264"), o, "default", "--metrics", "psnr,blur"), 1, "unknown metric 'blur'", o);
        var r = EqProcess.Run("encode", Repo.Media("BA1_FT_C.264"), "--out", o, "--score-at", "middle");
        Assert.Equal(1, r.ExitCode);
        Assert.NotEmpty(r.Errors);
    }

    [Fact]
    public void Score_with_files_of_different_length_is_an_input_error()
    {
        var shortClip = Path.Combine(Dir, "short.mkv");
        Ffmpeg.Run("-i", Repo.Media("BA1_FT_C.264"), "-frames:v", "10", "-c:v", "ffv1", "-y", shortClip);
        var o = EqProcess.Run("score", "--ref", Repo.Media("BA1_FT_C.264"), "--dist", shortClip);
        Assert.Equal(1, o.ExitCode);
        Assert.Contains("ends after 10 frames", Assert.Single(o.Errors));
    }

    [Fact]
    public void Interrupted_run_exits_2_and_leaves_nothing_behind()
    {
        var o = Path.Combine(Dir, "out-interrupted");
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "eq.dll"), "encode", Repo.Media("VID_1280x720_cabac_temporal_direct.264"), "--ladder", "default", "--out", o })
            psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        _ = p.StandardOutput.ReadToEndAsync();
        // Wait until the run has written temporaries, then send SIGINT as Ctrl+C does.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !(Directory.Exists(o) && Directory.GetFiles(o).Length > 0)) Thread.Sleep(100);
        Thread.Sleep(1000);
        System.Diagnostics.Process.Start("kill", ["-INT", p.Id.ToString()])!.WaitForExit();
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)), "eq did not stop after SIGINT");
        AssertRejected(new EqProcess.Outcome(p.ExitCode, "", stderr.Result), 2, "interrupted", o);
    }
}
