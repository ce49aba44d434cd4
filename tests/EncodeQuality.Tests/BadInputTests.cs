using EncodeQuality.Pipeline.Ladder;
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
    [InlineData("csf", "adm_csf_mode 1 is not supported")]
    public void Model_the_engine_cannot_compute(string defect, string because)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Repo.Shared("vmaf-models/vmaf_v0.6.1neg.json")));
        var model = System.Text.Json.Nodes.JsonNode.Parse(doc.RootElement.GetRawText())!;
        var md = model["model_dict"]!;
        switch (defect)
        {
            case "feature": md["feature_names"]![0] = "VMAF_integer_feature_nope_score"; break;
            case "option": md["feature_opts_dicts"]![0] = new System.Text.Json.Nodes.JsonObject { ["adm_bogus"] = 1.0 }; break;
            case "csf": md["feature_opts_dicts"]![0] = new System.Text.Json.Nodes.JsonObject { ["adm_csf_mode"] = 1 }; break;
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

    /// <summary>
    /// A VMAF v1 model whose options need a bigger picture: _3d0h_2160 prescales SpEED's chroma by
    /// 0.5, which leaves CIF's 176x144 chroma too small (libvmaf master prints "SpEED: image too
    /// small" and crashes). One line, exit 1, in each command, before any work. _1d5h_2160 has no
    /// prescale, and libvmaf master scores CIF with it, so we do too.
    /// </summary>
    [Fact]
    public void Picture_too_small_for_a_v1_models_options()
    {
        string pair = "cif_x265_crf44", reference = VmafReferenceTests.Reference(pair), dist = Repo.Shared($"vmaf-reference/{pair}.dist.mkv");
        const string because = "model vmaf_v1.0.16_3d0h_2160 cannot score 352x288";
        var none = Path.Combine(Dir, "none");
        AssertRejected(EqProcess.Run("vmaf", "--ref", reference, "--dist", dist, "--vmaf-model", "vmaf_v1.0.16_3d0h_2160", "--vmaf-engine", "managed"), 1, because, none);
        AssertRejected(EqProcess.Run("score", "--ref", reference, "--dist", dist, "--metrics", "vmaf,psnr", "--vmaf-model", "vmaf_v1.0.16_3d0h_2160", "--vmaf-engine", "managed"), 1, because, none);
        var o = Path.Combine(Dir, "out-v1-small");
        AssertRejected(Encode(Repo.Media("BA1_FT_C.264"), o, "default", "--score-at", "source", "--vmaf-engine", "managed", "--vmaf-model", "vmaf_v1.0.16_3d0h_2160"), 1, because, o);

        var scored = EqProcess.Run("vmaf", "--ref", reference, "--dist", dist, "--vmaf-model", "vmaf_v1.0.16_1d5h_2160", "--vmaf-engine", "managed");
        Assert.True(scored.ExitCode == 0, scored.StdErr);
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
        // Cut before its index (moov), the file cannot be opened at all: FFmpeg's own reason is given.
        AssertRejected(Encode(cut, o), 1, "truncated.mp4: cannot open: Invalid data found", o);
    }

    [Fact]
    public void Stream_cut_mid_frame()
    {
        var bytes = File.ReadAllBytes(Repo.Media("BA1_FT_C.264"));
        var cut = Path.Combine(Dir, "cut.264");
        File.WriteAllBytes(cut, bytes[..(bytes.Length * 6 / 10 + 37)]);
        var o = Path.Combine(Dir, "out-cut");
        var r = Encode(cut, o);
        AssertRejected(r, 1, "frame", o);
        // FFmpeg's own diagnosis reaches eq's log at FFmpeg's level, not FFmpeg's stderr printer.
        Assert.Contains("ERR] FFmpeg h264: error while decoding MB", r.StdErr);

        // The same mid-run failure with AV1 rungs: SVT-AV1, closed with a stream half sent, must
        // not hang the run (its deinit waits for an end of stream its full recon queue holds up).
        var ladder = Path.Combine(Dir, "ladder-cut-av1.json");
        File.WriteAllText(ladder, "{\"renditions\": [ {\"name\": \"s\", \"codec\": \"svtav1\", \"height\": 144, \"crf\": 35, \"preset\": \"12\"}, " +
            "{\"name\": \"r\", \"codec\": \"rav1e\", \"height\": 144, \"crf\": 100, \"preset\": \"10\"} ]}");
        var o2 = Path.Combine(Dir, "out-cut-av1");
        AssertRejected(Encode(cut, o2, ladder, "--metrics", "psnr"), 1, "frame", o2);
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
    // params may not change what the rung or eq decides (the summary would report settings the
    // encode did not use), whatever spelling the libraries accept.
    [InlineData("{\"renditions\": [ {\"name\": \"a\", \"codec\": \"x264\", \"height\": 144, \"crf\": 30, \"params\": {\"crf\": \"10\"}} ]}", "rendition 'a': params.crf sets 'crf'")]
    [InlineData("{\"renditions\": [ {\"name\": \"a\", \"codec\": \"x265\", \"height\": 144, \"crf\": 30, \"maxrate\": 500, \"params\": {\"vbv_maxrate\": 900}} ]}", "params.vbv_maxrate sets 'maxrate'")]
    [InlineData("{\"renditions\": [ {\"name\": \"a\", \"codec\": \"x264\", \"height\": 144, \"crf\": 30, \"params\": {\"keyint-max\": 9}} ]}", "params.keyint-max sets 'keyint'")]
    [InlineData("{\"renditions\": [ {\"name\": \"a\", \"codec\": \"x264\", \"height\": 144, \"crf\": 30, \"params\": {\"qp\": 20}} ]}", "params.qp is set by eq itself")]
    [InlineData("{\"renditions\": [ {\"name\": \"a\", \"codec\": \"x264\", \"height\": 144, \"crf\": 30, \"params\": {\"preset\": \"ultrafast\"}} ]}", "params.preset is set by eq itself")]
    // AV1 rungs: each library's own scales, names and limits, found before any encoder opens.
    [InlineData("{\"renditions\": [ {\"name\": \"s\", \"codec\": \"svtav1\", \"height\": 144, \"crf\": 0} ]}", "'crf' must be a whole number from 1 to 63 for svtav1")]
    [InlineData("{\"renditions\": [ {\"name\": \"s\", \"codec\": \"svtav1\", \"height\": 144, \"crf\": 30, \"bframes\": 3} ]}", "'bframes' cannot be given to svtav1")]
    [InlineData("{\"renditions\": [ {\"name\": \"s\", \"codec\": \"svtav1\", \"height\": 144, \"crf\": 30, \"preset\": \"14\"} ]}", "svt-av1's preset is -2 to 13, not '14'")]
    [InlineData("{\"renditions\": [ {\"name\": \"s\", \"codec\": \"svtav1\", \"height\": 144, \"crf\": 30, \"params\": {\"no-such-option\": 1}} ]}", "svt-av1 rejects no-such-option=1")]
    [InlineData("{\"renditions\": [ {\"name\": \"s\", \"codec\": \"svtav1\", \"height\": 144, \"crf\": 30, \"params\": {\"tbr\": 900}} ]}", "params.tbr sets 'bitrate'")]
    [InlineData("{\"renditions\": [ {\"name\": \"s\", \"codec\": \"svtav1\", \"height\": 144, \"crf\": 30, \"params\": {\"lp\": 4}} ]}", "params.lp is set by eq itself")]
    [InlineData("{\"renditions\": [ {\"name\": \"s\", \"codec\": \"svtav1\", \"height\": 144, \"crf\": 30, \"params\": {\"film-grain\": 8}} ]}", "film grain synthesis is not in the recon")]
    [InlineData("{\"renditions\": [ {\"name\": \"s\", \"codec\": \"svtav1\", \"height\": 144, \"bitrate\": 300, \"maxrate\": 600} ]}", "svt-av1 caps a bitrate only at the bitrate itself")]
    [InlineData("{\"renditions\": [ {\"name\": \"s\", \"codec\": \"svtav1\", \"height\": 32, \"crf\": 30} ]}", "svt-av1 rejects these settings for 40x32 8-bit")]
    [InlineData("{\"renditions\": [ {\"name\": \"r\", \"codec\": \"rav1e\", \"height\": 144, \"crf\": 256} ]}", "'crf' must be a whole number from 0 to 255 for rav1e")]
    [InlineData("{\"renditions\": [ {\"name\": \"r\", \"codec\": \"rav1e\", \"height\": 144, \"crf\": 100, \"maxrate\": 500} ]}", "'maxrate' cannot be given to rav1e: rav1e 0.5 has no bitrate cap")]
    [InlineData("{\"renditions\": [ {\"name\": \"r\", \"codec\": \"rav1e\", \"height\": 144, \"crf\": 100, \"preset\": \"11\"} ]}", "rav1e's preset is its speed, 0 to 10, not '11'")]
    [InlineData("{\"renditions\": [ {\"name\": \"r\", \"codec\": \"rav1e\", \"height\": 144, \"crf\": 100, \"params\": {\"warp\": 9}} ]}", "rav1e rejects warp=9")]
    [InlineData("{\"renditions\": [ {\"name\": \"r\", \"codec\": \"rav1e\", \"height\": 144, \"crf\": 100, \"params\": {\"key_frame_interval\": 9}} ]}", "params.key_frame_interval sets 'keyint'")]
    // A name is one line of a table and a file name that must fit with its temporary affixes.
    [InlineData("{\"renditions\": [ {\"name\": \"a\\nb\", \"codec\": \"x264\", \"height\": 144, \"crf\": 23} ]}", "rendition #1: 'name' has a control character")]
    [InlineData("{\"renditions\": [ {\"name\": \"tab\\there\", \"codec\": \"x264\", \"height\": 144, \"crf\": 23} ]}", "rendition #1: 'name' has a control character")]
    public void Ladder_with_mistakes(string ladder, string because)
    {
        var f = Path.Combine(Dir, $"ladder-{Guid.NewGuid():N}.json");
        File.WriteAllText(f, ladder);
        var o = Path.Combine(Dir, $"out-{Guid.NewGuid():N}");
        AssertRejected(Encode(Repo.Media("BA1_FT_C.264"), o, f, "--frames", "5"), 1, because, o);
    }

    /// <summary>SVT-AV1 1.4 forces key frames in CRF mode only: forced segments on a bitrate rung are refused before any encode.</summary>
    [Fact]
    public void Forced_segments_on_an_svtav1_bitrate_rung_are_refused_before_any_work()
    {
        var f = Path.Combine(Dir, "ladder-svt-vbr.json");
        File.WriteAllText(f, "{\"renditions\": [ {\"name\": \"s\", \"codec\": \"svtav1\", \"height\": 144, \"bitrate\": 300} ]}");
        var o = Path.Combine(Dir, "out-svt-vbr");
        AssertRejected(Encode(Repo.Media("BA1_FT_C.264"), o, f, "--frames", "60", "--segment-duration", "1"), 1,
            "svtav1 forces the segments' key frames only with crf", o);
        // The encoder's own GOP as segments forces nothing, and runs.
        var ok = Encode(Repo.Media("BA1_FT_C.264"), o, f, "--frames", "10", "--segment-duration", "keyint", "--metrics", "psnr");
        Assert.True(ok.ExitCode == 0, ok.StdErr);
    }

    /// <summary>
    /// An AV1 rung on a machine without its library (here: the library's path pointed elsewhere)
    /// names the package to install, before any work; the other codecs do not need it.
    /// </summary>
    [Theory]
    [InlineData("svtav1", "EQ_SVTAV1_LIBRARY", "install the Debian package libsvtav1enc1")]
    [InlineData("rav1e", "EQ_RAV1E_LIBRARY", "install the Debian package librav1e0")]
    public void Av1_rung_without_its_library_names_the_package(string codec, string variable, string because)
    {
        var f = Path.Combine(Dir, $"ladder-{codec}-missing.json");
        File.WriteAllText(f, $"{{\"renditions\": [ {{\"name\": \"a\", \"codec\": \"{codec}\", \"height\": 144, \"crf\": 30}} ]}}");
        var env = new Dictionary<string, string?> { [variable] = Path.Combine(Dir, "no-such-library.so") };
        var o = Path.Combine(Dir, $"out-{codec}-missing");
        AssertRejected(EqProcess.RunWith(env, "encode", Repo.Media("BA1_FT_C.264"), "--ladder", f, "--out", o, "--frames", "3"), 1, because, o);
        // x264 runs as before in the same setting.
        File.WriteAllText(f, "{\"renditions\": [ {\"name\": \"a\", \"codec\": \"x264\", \"height\": 144, \"crf\": 30} ]}");
        var ok = EqProcess.RunWith(env, "encode", Repo.Media("BA1_FT_C.264"), "--ladder", f, "--out", o, "--frames", "3", "--metrics", "psnr");
        Assert.True(ok.ExitCode == 0, ok.StdErr);
    }

    /// <summary>Names up to the documented limit are written; one byte more is refused before any work.</summary>
    [Fact]
    public void Rendition_names_longer_than_the_limit_are_refused_and_the_longest_allowed_is_written()
    {
        string Ladder(string name) => $"{{\"renditions\": [ {{\"name\": \"{name}\", \"codec\": \"x264\", \"height\": 144, \"crf\": 30}} ]}}";
        // "é" is two bytes: the limit is in bytes, as file systems count.
        string longest = new string('n', LadderParser.MaxNameBytes - 2) + "é";
        var f = Path.Combine(Dir, "ladder-long-ok.json");
        File.WriteAllText(f, Ladder(longest));
        var o = Path.Combine(Dir, "out-long-ok");
        var ok = Encode(Repo.Media("BA1_FT_C.264"), o, f, "--frames", "3", "--metrics", "psnr", "--score-at", "both");
        Assert.True(ok.ExitCode == 0, ok.StdErr);
        Assert.True(File.Exists(Path.Combine(o, longest + ".source-scores.json")));

        File.WriteAllText(f, Ladder(longest + "x"));
        var o2 = Path.Combine(Dir, "out-long-bad");
        AssertRejected(Encode(Repo.Media("BA1_FT_C.264"), o2, f, "--frames", "3"), 1, $"is {LadderParser.MaxNameBytes + 1} bytes long; at most {LadderParser.MaxNameBytes}", o2);
    }

    /// <summary>A ladder above the cap is refused at once, whatever its size; --max-rungs raises the cap.</summary>
    [Fact]
    public void Ladder_with_more_rungs_than_the_cap()
    {
        string Rungs(int n) => "{\"renditions\": [" + string.Join(",", Enumerable.Range(0, n).Select(i =>
            $"{{\"name\": \"r{i}\", \"codec\": \"x264\", \"height\": 16, \"crf\": 51, \"preset\": \"ultrafast\"}}")) + "]}";
        var f = Path.Combine(Dir, "ladder-many.json");
        File.WriteAllText(f, Rungs(120_000));
        var o = Path.Combine(Dir, "out-many");
        AssertRejected(Encode(Repo.Media("BA1_FT_C.264"), o, f), 1, $"120000 renditions; at most {LadderParser.DefaultMaxRungs}", o);

        File.WriteAllText(f, Rungs(LadderParser.DefaultMaxRungs + 1));
        AssertRejected(Encode(Repo.Media("BA1_FT_C.264"), o, f), 1, $"{LadderParser.DefaultMaxRungs + 1} renditions", o);
        var raised = Encode(Repo.Media("BA1_FT_C.264"), o, f, "--max-rungs", "40", "--frames", "2", "--metrics", "none");
        Assert.True(raised.ExitCode == 0, raised.StdErr);
        Assert.Equal(LadderParser.DefaultMaxRungs + 1, Directory.GetFiles(o, "*.mp4").Length);
    }

    /// <summary>
    /// A run whose estimate exceeds the machine's memory is refused before any encoder opens
    /// (one 8192x8192 x265 rung with a 250-frame lookahead needs tens of GiB).
    /// </summary>
    [Fact]
    public void Run_that_cannot_fit_in_memory_is_refused_before_any_encoder_opens()
    {
        var f = Path.Combine(Dir, "ladder-huge.json");
        File.WriteAllText(f, """{"renditions": [ {"name": "huge", "codec": "x265", "width": 8192, "height": 8192, "crf": 30, "rcLookahead": 250, "bframes": 16} ]}""");
        var o = Path.Combine(Dir, "out-huge");
        var r = Encode(Repo.Media("BA1_FT_C.264"), o, f, "--frames", "2", "--metrics", "none");
        AssertRejected(r, 1, "GiB of memory and", o);
        Assert.DoesNotContain("Rendition huge:", r.StdErr); // the encoder never opened
    }

    /// <summary>No output may replace an input: not the source, not a reference, whatever path reaches it.</summary>
    [Fact]
    public void Outputs_never_replace_an_input()
    {
        string d = Path.Combine(Dir, "in-place");
        Directory.CreateDirectory(d);
        string source = Path.Combine(d, "r.mp4");
        Ffmpeg.Run("-i", Repo.Media("BA1_FT_C.264"), "-frames:v", "10", "-c", "copy", "-y", source);
        byte[] before = File.ReadAllBytes(source);
        var ladder = Path.Combine(Dir, "ladder-r.json");
        File.WriteAllText(ladder, """{"renditions": [ {"name": "r", "codec": "x264", "height": 144, "crf": 30} ]}""");

        var r = Encode(source, d, ladder, "--metrics", "psnr");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("would replace the source", Assert.Single(r.Errors));
        // Another path to the same folder, through a symbolic link.
        string link = Path.Combine(Dir, "in-place-link");
        if (!Directory.Exists(link)) Directory.CreateSymbolicLink(link, d);
        Assert.Equal(1, Encode(Path.Combine(link, "r.mp4"), d, ladder, "--metrics", "psnr").ExitCode);
        Assert.Equal(before, File.ReadAllBytes(source));
        Assert.Equal(["r.mp4"], Directory.GetFiles(d).Select(Path.GetFileName));

        // eq score's --json onto its own reference.
        var s = EqProcess.Run("score", "--ref", source, "--dist", source, "--metrics", "psnr", "--json", source);
        Assert.Equal(1, s.ExitCode);
        Assert.Contains("would replace the reference", Assert.Single(s.Errors));
        Assert.Equal(before, File.ReadAllBytes(source));
        // Nor the log: --log-json onto the source or the reference, before the log is opened.
        var e = Encode(source, Path.Combine(Dir, "in-place-out"), ladder, "--metrics", "psnr", "--log-json", source);
        Assert.Equal(1, e.ExitCode);
        Assert.Contains("--log-json: writing", Assert.Single(e.Errors));
        var v = EqProcess.Run("vmaf", "--ref", source, "--dist", source, "--log-json", Path.Combine(link, "r.mp4"));
        Assert.Equal(1, v.ExitCode);
        Assert.Contains("would replace the reference", Assert.Single(v.Errors));
        Assert.Equal(before, File.ReadAllBytes(source));
    }

    /// <summary>
    /// The commands that read a run (report, compare, qoe) or a playlist (mqa hls) never write over
    /// what they read: not the store, not a run folder's files, not the playlist or the segments
    /// file, not through --log-json either. Each is exit 1 before any work, and the file is untouched.
    /// </summary>
    [Fact]
    public void Reading_commands_never_replace_what_they_read()
    {
        string d = Path.Combine(Dir, "readers");
        if (Directory.Exists(d)) Directory.Delete(d, true);
        Directory.CreateDirectory(d);
        string run = Path.Combine(d, "run"), db = Path.Combine(d, "s.db");
        var ladder = Path.Combine(d, "ladder.json");
        File.WriteAllText(ladder, """{"renditions": [ {"name": "r", "codec": "x264", "height": 144, "crf": 30, "keyint": 25} ]}""");
        var encode = EqProcess.Run("encode", Repo.Media("BA1_FT_C.264"), "--ladder", ladder, "--frames", "50", "--metrics", "psnr",
            "--segment-duration", "1", "--out", run, "--store", db);
        Assert.True(encode.ExitCode == 0, encode.StdErr);
        string summary = Path.Combine(run, "summary.json"), segments = Path.Combine(run, "r.segments.json");
        string runId = System.Text.Json.JsonDocument.Parse(File.ReadAllText(summary)).RootElement.GetProperty("run_id").GetString()!;
        string playlist = Path.Combine(d, "r.m3u8");
        Ffmpeg.Run("-i", Path.Combine(run, "r.mp4"), "-c", "copy", "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod", playlist);
        string sessions = Path.Combine(d, "sessions.json");
        File.WriteAllText(sessions, """{"id": "s", "segments": [{"rendition": "r", "seconds": 1}]}""");
        var files = new[] { db, summary, segments, playlist, sessions }.ToDictionary(f => f, File.ReadAllBytes);

        void Refused(string replaces, params string[] args)
        {
            var o = EqProcess.Run(args);
            Assert.True(o.ExitCode == 1, $"eq {string.Join(' ', args)}: exit {o.ExitCode}; {o.StdErr}");
            Assert.Contains($"would replace the {replaces}", Assert.Single(o.Errors));
            foreach (var (f, bytes) in files) Assert.Equal(bytes, File.ReadAllBytes(f));
        }
        Refused("store", "report", runId, "--store", db, "--out", db);
        Refused("run's file", "report", run, "--out", summary);
        Refused("base's file", "compare", run, run, "--json", summary);
        Refused("store", "compare", runId, runId, "--store", db, "--json", db);
        Refused("run's file", "qoe", sessions, "--run", run, "--json", summary);
        Refused("session file", "qoe", sessions, "--run", run, "--json", sessions);
        Refused("segments file", "mqa", "hls", playlist, "--segments", segments, "--out", segments);
        Refused("playlist", "mqa", "hls", playlist, "--segments", segments, "--out", playlist);
        Refused("run's file", "report", run, "--out", Path.Combine(d, "report.html"), "--log-json", summary);
        // Another path to the same file, through a symbolic link to the run's folder.
        string link = Path.Combine(d, "run-link");
        Directory.CreateSymbolicLink(link, run);
        Refused("run's file", "report", run, "--out", Path.Combine(link, "summary.json"));
        // A new file beside the run's files is fine.
        Assert.Equal(0, EqProcess.Run("report", run, "--out", Path.Combine(run, "again.html")).ExitCode);
    }

    /// <summary>
    /// --log-json that cannot take a log (a folder, a missing folder, /proc) is exit 1 before any
    /// work; a log that fills up mid-run (/dev/full) is a warning, and the run's exit code stands.
    /// </summary>
    [Fact]
    public void A_log_that_cannot_be_written_is_refused_before_work_or_a_warning_after()
    {
        string clip = Repo.Media("BA1_FT_C.264"), json = Path.Combine(Dir, "log-json-scores.json");
        foreach (var (log, says) in new[]
        {
            (Dir, "this is a folder"), (Path.Combine(Dir, "no-such-folder", "log.json"), "the folder does not exist"),
            ("/proc/version", "/proc is a kernel file system"),
        })
        {
            if (File.Exists(json)) File.Delete(json);
            var o = EqProcess.Run("score", "--ref", clip, "--dist", clip, "--metrics", "psnr", "--json", json, "--log-json", log);
            Assert.True(o.ExitCode == 1, $"--log-json {log}: exit {o.ExitCode}; {o.StdErr}");
            Assert.Contains(says, Assert.Single(o.Errors));
            Assert.False(File.Exists(json), "no work before the refusal");
        }
        var full = EqProcess.Run("score", "--ref", clip, "--dist", clip, "--metrics", "psnr", "--json", json, "--log-json", "/dev/full");
        Assert.True(full.ExitCode == 0, full.StdErr);
        Assert.Contains("eq: warning: --log-json /dev/full", full.StdErr);
        Assert.Contains("No space left on device", full.StdErr);
        Assert.DoesNotContain("   at ", full.StdErr);
        Assert.True(File.Exists(json));
    }

    /// <summary>
    /// An output that cannot be written (a folder that takes no new files: /proc; one this user may
    /// not write: /sys, refused even to root) is exit 1 before any work, naming the user's path and
    /// not the hidden temporary file it would have been written under.
    /// </summary>
    [Fact]
    public void Outputs_that_cannot_be_written_are_refused_before_work_by_their_own_names()
    {
        string clip = Repo.Media("BA1_FT_C.264"), d = Path.Combine(Dir, "unwritable");
        Directory.CreateDirectory(d);
        var ladder = Path.Combine(d, "ladder.json");
        File.WriteAllText(ladder, """{"renditions": [ {"name": "r", "codec": "x264", "height": 144, "crf": 30} ]}""");
        string sessions = Path.Combine(d, "sessions.json");
        File.WriteAllText(sessions, """{"id": "s", "segments": [{"rendition": "r", "seconds": 1}]}""");
        foreach (var folder in new[] { "/proc", "/sys/kernel" })
        {
            string target = Path.Combine(folder, "eq-out.json");
            foreach (var args in new[]
            {
                new[] { "vmaf", "--ref", clip, "--dist", clip, "--json", target },
                ["score", "--ref", clip, "--dist", clip, "--metrics", "psnr", "--json", target],
                ["report", d, "--out", target],
                ["compare", d, d, "--json", target],
                ["qoe", sessions, "--run", d, "--json", target],
                ["mqa", "hls", sessions, "--segments", sessions, "--out", target],
                ["encode", clip, "--ladder", ladder, "--frames", "5", "--metrics", "none", "--out", folder],
            })
            {
                var o = EqProcess.Run(args);
                string said = Assert.Single(o.Errors);
                Assert.True(o.ExitCode == 1, $"eq {string.Join(' ', args)}: exit {o.ExitCode}; {o.StdErr}");
                Assert.Contains(args[^1], said);
                Assert.DoesNotContain(".partial", said);
                Assert.DoesNotContain("Scored", o.StdErr);
                Assert.DoesNotContain("Progress", o.StdErr);
            }
        }
    }

    /// <summary>Numbers that do not fit (infinity, NaN, a size FFmpeg would wrap, a negative count) are exit 1 before any work.</summary>
    [Theory]
    [InlineData("vmaf.mean>=1e400", "is beyond what a double holds")]
    [InlineData("--max-bdrate", "--max-bdrate must be a finite number")]
    [InlineData("--abr-mu", "--abr-mu must be a finite number")]
    [InlineData("--size", "width and height must be whole numbers from 1 to 16384")]
    [InlineData("--frames", "--frames must be 0 (all) or more")]
    [InlineData("--progress-interval", "--progress-interval must be above 0 seconds")]
    public void Numbers_that_do_not_fit_are_refused_before_work(string what, string because)
    {
        string clip = Repo.Media("BA1_FT_C.264"), o = Path.Combine(Dir, $"numbers-{Guid.NewGuid():N}");
        var run = what switch
        {
            "--max-bdrate" => EqProcess.Run("compare", Dir, Dir, "--max-bdrate", "NaN"),
            "--abr-mu" => EqProcess.Run("qoe", "--demo", "--abr-mu", "NaN"),
            "--size" => EqProcess.Run("encode", RawYuv(), "--size", "4294967616x192", "--fps", "25", "--ladder", "default", "--out", o),
            "--frames" => Encode(clip, o, "default", "--frames", "-1"),
            "--progress-interval" => EqProcess.Run("worker", "--amqp", "amqp://eq@127.0.0.1:1/", "--store", Path.Combine(Dir, "w.db"), "--progress-interval", "0"),
            _ => Encode(clip, o, "default", "--gate", what),
        };
        AssertRejected(run, 1, because, o);
    }

    private static string RawYuv()
    {
        string f = Path.Combine(Dir, "raw-320x192.yuv");
        if (!File.Exists(f)) File.WriteAllBytes(f, new byte[320 * 192 * 3 / 2 * 2]);
        return f;
    }

    /// <summary>An option value of the wrong kind is named in the user's words, not by a .NET type name.</summary>
    [Theory]
    [InlineData("compare", "--max-bdrate", "abc", "Cannot parse argument 'abc' for option '--max-bdrate' as a number.")]
    [InlineData("encode", "--frames", "abc", "Cannot parse argument 'abc' for option '--frames' as a whole number.")]
    public void An_option_of_the_wrong_kind_is_named_in_plain_words(string command, string option, string value, string says)
    {
        var o = command == "compare" ? EqProcess.Run("compare", Dir, Dir, option, value)
            : EqProcess.Run("encode", Repo.Media("BA1_FT_C.264"), "--ladder", "default", "--out", Path.Combine(Dir, "kind"), option, value);
        Assert.Equal(1, o.ExitCode);
        Assert.Equal($"eq: error: {says}", Assert.Single(o.Errors));
    }

    [Fact]
    public void A_folder_given_as_the_source_is_named_as_one()
    {
        var o = Path.Combine(Dir, "out-folder-source");
        AssertRejected(Encode(Dir, o), 1, "this is a folder, not a video file", o);
    }

    /// <summary>--score-at source compares at the source's size: a source too small for a metric is refused before any encoder opens.</summary>
    [Theory]
    [InlineData("ssim", "at the source's size: SSIM needs at least 11x11 pixels, got 8x8")]
    [InlineData("vmaf", "at the source's size: VMAF needs at least 16x16 pixels, got 8x8")]
    public void Source_too_small_for_a_metric_at_score_at_source(string metric, string because)
    {
        string tiny = Path.Combine(Dir, "tiny8.y4m");
        if (!File.Exists(tiny)) Ffmpeg.Run("-f", "lavfi", "-i", "testsrc2=size=8x8:rate=25:duration=0.2", "-pix_fmt", "yuv420p", "-y", tiny);
        var ladder = Path.Combine(Dir, "ladder-16.json");
        File.WriteAllText(ladder, """{"renditions": [ {"name": "a", "codec": "x264", "height": 16, "crf": 30} ]}""");
        var o = Path.Combine(Dir, $"out-tiny-{metric}");
        var r = Encode(tiny, o, ladder, "--metrics", metric, "--score-at", "source", "--vmaf-engine", "managed");
        AssertRejected(r, 1, because, o);
        Assert.DoesNotContain("Rendition a:", r.StdErr);
    }

    /// <summary>A model the engine cannot read names its defect: the key, the support vector, the reversed clip.</summary>
    [Theory]
    [InlineData("array", "expected a JSON object with a model_dict, not an array")]
    [InlineData("clip", "score_clip [100, 0] is reversed")]
    [InlineData("missing", "missing key 'norm_type'")]
    [InlineData("sv", "support vector 2: 'garbage' is not a coefficient")]
    public void Malformed_model(string defect, string because)
    {
        var text = File.ReadAllText(Repo.Shared("vmaf-models/vmaf_v0.6.1.json"));
        var model = System.Text.Json.Nodes.JsonNode.Parse(text)!;
        var md = model["model_dict"]!.AsObject();
        switch (defect)
        {
            case "array": model = new System.Text.Json.Nodes.JsonArray(model); break;
            case "clip": md["score_clip"] = new System.Text.Json.Nodes.JsonArray(100, 0); break;
            case "missing": md.Remove("norm_type"); break;
            case "sv":
                var lines = md["model"]!.GetValue<string>().Split('\n');
                int second = Array.IndexOf(lines, "SV") + 2;
                lines[second] = "garbage " + lines[second];
                md["model"] = string.Join('\n', lines);
                break;
        }
        string path = Path.Combine(Dir, $"bad-model-{defect}.json");
        File.WriteAllText(path, model.ToJsonString());
        var o = Path.Combine(Dir, $"out-bad-model-{defect}");
        AssertRejected(Encode(Repo.Media("BA1_FT_C.264"), o, "default", "--vmaf-engine", "managed", "--vmaf-model", path), 1, because, o);
    }

    [Fact]
    public void Unknown_metric_and_bad_options_are_usage_errors()
    {
        var o = Path.Combine(Dir, "out-usage");
        AssertRejected(Encode(Repo.Media("BA1_FT_C.264"), o, "default", "--metrics", "psnr,blur"), 1, "unknown metric 'blur'", o);
        // With every required option given, so the refusal is --score-at's own.
        var r = EqProcess.Run("encode", Repo.Media("BA1_FT_C.264"), "--ladder", "default", "--out", o, "--score-at", "middle");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(r.Errors, e => e.Contains("'middle'") && e.Contains("--score-at"));
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
        // Through env --default-signal=INT: a test run started in the background by a shell without
        // job control inherits SIGINT ignored, and .NET keeps a signal ignored at start ignored.
        var psi = new System.Diagnostics.ProcessStartInfo("env") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "eq.dll"), "encode",
            Repo.Media("VID_1280x720_cabac_temporal_direct.264"), "--ladder", "default", "--out", o })
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
