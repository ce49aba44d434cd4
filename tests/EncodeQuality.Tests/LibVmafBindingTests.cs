using System.Globalization;
using System.Text.Json;
using EncodeQuality.Tests.Support;

namespace EncodeQuality.Tests;

/// <summary>
/// The libvmaf binding against a C test double that exports libvmaf's API with its struct layouts
/// and records what it receives (tests/LibVmafDouble). Each case runs eq in its own process, as a
/// user would, with EQ_LIBVMAF pointing at the double.
/// </summary>
public class LibVmafBindingTests
{
    private static readonly string Dir = Repo.Scratch("libvmaf");
    private static string Double => Path.Combine(Repo.Root, "tests", "LibVmafDouble", "build", "libvmaf.so.3");

    private static string Clip(string name, int frames, string pixFmt = "yuv420p", int crf = 0)
    {
        string path = Path.Combine(Dir, $"{name}.y4m");
        if (File.Exists(path)) return path;
        string src = Path.Combine(Dir, $"{name}-src.y4m");
        Ffmpeg.Run("-i", Repo.Media("BA1_FT_C.264"), "-frames:v", frames.ToString(), "-pix_fmt", pixFmt, "-strict", "-1", "-f", "yuv4mpegpipe", "-y", src);
        if (crf == 0) return src;
        string coded = Path.Combine(Dir, $"{name}.mkv");
        Ffmpeg.Run("-i", src, "-c:v", "libx264", "-crf", crf.ToString(), "-preset", "ultrafast", "-pix_fmt", pixFmt, "-y", coded);
        Ffmpeg.Run("-i", coded, "-pix_fmt", pixFmt, "-strict", "-1", "-f", "yuv4mpegpipe", "-y", path);
        return path;
    }

    private sealed record Run(EqProcess.Outcome Outcome, List<string> Log, string Json);

    private static Run Vmaf(IDictionary<string, string?>? env, params string[] args)
    {
        string log = Path.Combine(Dir, $"double-{Guid.NewGuid():N}.log");
        string json = Path.Combine(Dir, $"out-{Guid.NewGuid():N}.json");
        var e = new Dictionary<string, string?> { ["EQ_LIBVMAF"] = Double, ["EQ_VMAF_DOUBLE_LOG"] = log };
        foreach (var (k, v) in env ?? new Dictionary<string, string?>()) e[k] = v;
        var outcome = EqProcess.RunWith(e, ["vmaf", .. args, "--json", json]);
        return new Run(outcome, File.Exists(log) ? File.ReadAllLines(log).ToList() : [], json);
    }

    private static Dictionary<string, string> Fields(string line) =>
        line.Split(' ').Skip(1).Select(f => f.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    /// <summary>Luma planes as FFmpeg decodes them (the Y plane of 4:2:0 output, untouched), as sample arrays.</summary>
    private static List<long[]> Luma(string path, int w, int h, bool tenBit)
    {
        int bytes = tenBit ? 2 : 1;
        int frameBytes = (w * h + 2 * ((w + 1) / 2) * ((h + 1) / 2)) * bytes;
        var frames = Ffmpeg.DecodeFrames(path, tenBit ? "yuv420p10le" : "yuv420p", frameBytes);
        return frames.Select(f => tenBit
            ? Enumerable.Range(0, w * h).Select(i => (long)BitConverter.ToUInt16(f, 2 * i)).ToArray()
            : f.Take(w * h).Select(b => (long)b).ToArray()).ToList();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pictures_reach_libvmaf_in_display_order_with_their_size_depth_and_samples(bool tenBit)
    {
        string fmt = tenBit ? "yuv420p10le" : "yuv420p";
        string reference = Clip($"ref-{fmt}", 8, fmt), distorted = Clip($"dist-{fmt}", 8, fmt, crf: 40);
        var run = Vmaf(null, "--vmaf-engine", "libvmaf", "--ref", reference, "--dist", distorted, "--threads", "3");
        Assert.True(run.Outcome.ExitCode == 0, run.Outcome.StdErr);

        // The scoring context: threads beyond the caller's own become libvmaf workers.
        var init = run.Log.Where(l => l.StartsWith("init ")).Select(Fields).ToList();
        Assert.All(init, i => Assert.Equal(("1", "2", "1"), (i["log_level"], i["n_threads"], i["n_subsample"])));
        Assert.Contains(run.Log, l => l == "model_load version=vmaf_v0.6.1 name=vmaf flags=0");

        var reads = run.Log.Where(l => l.StartsWith("read ")).Select(Fields).ToList();
        var refs = Luma(reference, 352, 288, tenBit);
        var dists = Luma(distorted, 352, 288, tenBit);
        Assert.Equal(8, reads.Count);
        for (int i = 0; i < reads.Count; i++)
        {
            var r = reads[i];
            Assert.Equal(i.ToString(), r["index"]);
            Assert.Equal(("4", tenBit ? "10" : "8", "352", "288"), (r["pix_fmt"], r["bpc"], r["w"], r["h"]));
            Assert.Equal((r["bpc"], r["w"], r["h"]), (r["dist_bpc"], r["dist_w"], r["dist_h"]));
            // The double's planes are wider than a row: right sums mean strides were honoured.
            Assert.Equal(refs[i].Sum().ToString(), r["ref_sum"]);
            Assert.Equal(dists[i].Sum().ToString(), r["dist_sum"]);
        }

        // One flush, after the last picture and before any score is read; each index read once.
        int lastRead = run.Log.FindLastIndex(l => l.StartsWith("read "));
        int flush = Assert.Single(run.Log.Select((l, i) => (l, i)), p => p.l == "flush").i;
        int firstScore = run.Log.FindIndex(l => l.StartsWith("score_at_index"));
        Assert.True(lastRead < flush && flush < firstScore);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"score_at_index index={i}"), run.Log.Where(l => l.StartsWith("score_at_index")));
        Assert.Equal("score_pooled method=3 lo=0 hi=7", run.Log.Single(l => l.StartsWith("score_pooled")));
        Assert.Equal("close", run.Log[^2]);

        // Scores come back per index in the managed engine's shape.
        using var doc = JsonDocument.Parse(File.ReadAllText(run.Json));
        var frames = doc.RootElement.GetProperty("frames").EnumerateArray().ToList();
        Assert.Equal(8, frames.Count);
        for (int i = 0; i < 8; i++)
        {
            double mad = refs[i].Zip(dists[i], (a, b) => (double)Math.Abs(a - b)).Sum() / (352.0 * 288);
            var m = frames[i].GetProperty("metrics");
            // The log carries six decimals.
            Assert.Equal(100 - mad, m.GetProperty("vmaf").GetDouble(), tolerance: 1e-6);
            // Written under libvmaf 3's log names, as the managed engine writes them.
            Assert.Equal(mad + "VMAF_integer_feature_vif_scale0_score".Length, m.GetProperty("integer_vif_scale0").GetDouble(), tolerance: 1e-6);
            Assert.Equal(mad + "VMAF_integer_feature_adm2_score".Length, m.GetProperty("integer_adm2").GetDouble(), tolerance: 1e-6);
        }
        Assert.True(doc.RootElement.GetProperty("pooled_metrics").TryGetProperty("integer_motion2", out _));
    }

    /// <summary>
    /// A VMAF v1 model through libvmaf: the pictures carry chroma (speed_chroma reads it), and
    /// each feature is read under the name libvmaf's collector gives a feature with options:
    /// the names libvmaf 3.2 itself logged for this model in ../shared/vmaf-reference.
    /// </summary>
    [Fact]
    public void A_v1_model_gets_chroma_and_its_features_are_read_under_libvmafs_suffixed_names()
    {
        const string model = "vmaf_v1.0.16_5d0h";
        var run = Vmaf(null, "--vmaf-engine", "libvmaf", "--model", model, "--ref", Clip("ref-yuv420p", 8), "--dist", Clip("dist-yuv420p", 8, crf: 40));
        Assert.True(run.Outcome.ExitCode == 0, run.Outcome.StdErr);
        Assert.All(run.Log.Where(l => l.StartsWith("read ")).Select(Fields), r => Assert.Equal("1", r["pix_fmt"])); // VMAF_PIX_FMT_YUV420P

        var logged = VmafReferenceTests.Load(Repo.Shared($"vmaf-reference/cif_x265_crf44.{model}.json"))[0].Keys.ToHashSet();
        var asked = run.Log.Where(l => l.StartsWith("feature_score_at_index ")).Select(l => Fields(l)["name"]).Distinct().ToList();
        Assert.Equal(4, asked.Count);
        Assert.All(asked, n => Assert.Contains(n, logged));
        using var doc = JsonDocument.Parse(File.ReadAllText(run.Json));
        var metrics = doc.RootElement.GetProperty("frames")[0].GetProperty("metrics");
        Assert.All(asked, n => Assert.True(metrics.TryGetProperty(n, out _), $"{n} is not in the output"));
    }

    [Fact]
    public void Subsampling_is_passed_on_and_only_scored_indices_are_read()
    {
        var run = Vmaf(null, "--vmaf-engine", "libvmaf", "--ref", Clip("ref-yuv420p", 8), "--dist", Clip("dist-yuv420p", 8, crf: 40), "--subsample", "3");
        Assert.True(run.Outcome.ExitCode == 0, run.Outcome.StdErr);
        Assert.Contains(run.Log, l => l.StartsWith("init ") && l.Contains("n_subsample=3"));
        Assert.Equal(["score_at_index index=0", "score_at_index index=3", "score_at_index index=6"], run.Log.Where(l => l.StartsWith("score_at_index")));
        Assert.Contains("score_pooled method=3 lo=0 hi=7", run.Log);
    }

    [Fact]
    public void A_failing_call_is_one_line_with_libvmafs_code_and_exit_2()
    {
        var run = Vmaf(new Dictionary<string, string?> { ["EQ_VMAF_DOUBLE_FAIL_READ"] = "2" },
            "--vmaf-engine", "libvmaf", "--ref", Clip("ref-yuv420p", 8), "--dist", Clip("dist-yuv420p", 8, crf: 40));
        Assert.Equal(2, run.Outcome.ExitCode);
        var line = Assert.Single(run.Outcome.Errors);
        Assert.Contains("vmaf_read_pictures failed with error -12", line);
        Assert.False(File.Exists(run.Json));
    }

    [Fact]
    public void A_model_libvmaf_cannot_load_is_an_input_error()
    {
        var run = Vmaf(null, "--vmaf-engine", "libvmaf", "--model", "fail_model", "--ref", Clip("ref-yuv420p", 8), "--dist", Clip("dist-yuv420p", 8, crf: 40));
        Assert.Equal(1, run.Outcome.ExitCode);
        Assert.Contains("libvmaf could not load built-in model 'fail_model' (error -22)", Assert.Single(run.Outcome.Errors));
    }

    [Fact]
    public void Auto_takes_libvmaf_when_it_loads_and_the_managed_engine_when_it_does_not()
    {
        string r = Clip("ref-yuv420p", 8), d = Clip("dist-yuv420p", 8, crf: 40);
        var withLib = Vmaf(null, "--ref", r, "--dist", d);
        Assert.Equal(0, withLib.Outcome.ExitCode);
        Assert.Single(withLib.Outcome.StdErr.Split('\n'), l => l.Contains("VMAF engine: libvmaf double-3.0.0"));
        Assert.NotEmpty(withLib.Log);

        var without = Vmaf(new Dictionary<string, string?> { ["EQ_LIBVMAF"] = Path.Combine(Dir, "no-such-libvmaf.so") }, "--ref", r, "--dist", d);
        Assert.Equal(0, without.Outcome.ExitCode);
        Assert.Single(without.Outcome.StdErr.Split('\n'), l => l.Contains("VMAF engine: managed (libvmaf not found"));
        Assert.Empty(without.Log);
        var managed = Vmaf(null, "--vmaf-engine", "managed", "--ref", r, "--dist", d);
        Assert.Equal(File.ReadAllText(managed.Json).Split("\"frames\"")[1], File.ReadAllText(without.Json).Split("\"frames\"")[1]);
    }

    [Fact]
    public void Forcing_libvmaf_without_the_library_is_one_line_and_exit_1()
    {
        var run = Vmaf(new Dictionary<string, string?> { ["EQ_LIBVMAF"] = Path.Combine(Dir, "no-such-libvmaf.so") },
            "--vmaf-engine", "libvmaf", "--ref", Clip("ref-yuv420p", 8), "--dist", Clip("dist-yuv420p", 8, crf: 40));
        Assert.Equal(1, run.Outcome.ExitCode);
        Assert.Contains("--vmaf-engine libvmaf: libvmaf not found", Assert.Single(run.Outcome.Errors));
    }

    [Fact]
    public void The_pipeline_feeds_recon_to_libvmaf_in_display_order()
    {
        string log = Path.Combine(Dir, "pipeline.log"), outDir = Path.Combine(Dir, "pipeline-out");
        var ladder = Path.Combine(Dir, "ladder.json");
        File.WriteAllText(ladder, """{"renditions": [{"name": "r", "codec": "x264", "height": 288, "crf": 35, "bframes": 3, "preset": "fast"}]}""");
        var o = EqProcess.RunWith(new Dictionary<string, string?> { ["EQ_LIBVMAF"] = Double, ["EQ_VMAF_DOUBLE_LOG"] = log },
            "encode", Repo.Media("BA1_FT_C.264"), "--ladder", ladder, "--out", outDir, "--metrics", "vmaf", "--vmaf-engine", "libvmaf", "--frames", "12");
        Assert.True(o.ExitCode == 0, o.StdErr);
        var reads = File.ReadAllLines(log).Where(l => l.StartsWith("read ")).Select(Fields).ToList();
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i.ToString(CultureInfo.InvariantCulture)), reads.Select(r => r["index"]));
        // The distorted pictures libvmaf received are the encoder's recon: FFmpeg's decode of the output.
        var decoded = Luma(Path.Combine(outDir, "r.mp4"), 352, 288, tenBit: false);
        Assert.Equal(decoded.Select(f => f.Sum().ToString()), reads.Select(r => r["dist_sum"]));
    }
}
