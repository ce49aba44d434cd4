using System.Text.Json;
using EncodeQuality.Decisions.Sampling;
using EncodeQuality.Tests.Support;
using Microsoft.Data.Sqlite;

namespace EncodeQuality.Tests;

/// <summary>Quality gates: exit 3 with the verdict, 0 when met, globs, score-at selection, malformed gates, the store.</summary>
public class GateTests
{
    private static readonly string Dir = Repo.Scratch("gates");

    private static string Ladder()
    {
        string path = Path.Combine(Dir, "ladder.json");
        File.WriteAllText(path, """
            {"renditions": [{"name": "r144", "codec": "x264", "height": 144, "crf": 30, "preset": "veryfast"},
                            {"name": "r96", "codec": "x264", "height": 96, "crf": 30, "preset": "veryfast"},
                            {"name": "x144", "codec": "x265", "height": 144, "crf": 30, "preset": "ultrafast"}]}
            """);
        return path;
    }

    private static (EqProcess.Outcome Run, JsonElement Summary) Encode(string name, params string[] extra)
    {
        string outDir = Path.Combine(Dir, name);
        var o = EqProcess.Run(["encode", Repo.Media("BA1_FT_C.264"), "--ladder", Ladder(), "--out", outDir, "--frames", "8",
            "--metrics", "psnr", .. extra]);
        var summary = File.Exists(Path.Combine(outDir, "summary.json"))
            ? JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json"))).RootElement.Clone() : default;
        return (o, summary);
    }

    private static List<JsonElement> Checks(JsonElement summary, string kind) =>
        [.. summary.GetProperty("verdict").GetProperty("checks").EnumerateArray().Where(c => c.GetProperty("kind").GetString() == kind)];

    [Fact]
    public void A_gate_the_clip_fails_exits_3_with_the_verdict_and_everything_recorded()
    {
        string store = Path.Combine(Dir, "gates.db");
        var (o, summary) = Encode("fail", "--gate", "r144:psnr_y.mean>=99", "--store", store);
        Assert.True(o.ExitCode == 3, o.StdErr);
        var line = Assert.Single(o.Errors);
        Assert.Contains("r144 psnr_y.mean at encode:", line);
        Assert.Contains("fails >= 99", line);
        Assert.Contains(o.StdOut.Split('\n'), l => l.StartsWith("r144") && l.Contains("FAIL"));
        Assert.False(summary.GetProperty("verdict").GetProperty("passed").GetBoolean());
        var check = Assert.Single(Checks(summary, "gate"));
        double measured = check.GetProperty("measured").GetDouble();
        // The measured value is the rendition's pooled mean as its score log has it.
        var log = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "fail", "r144.scores.json"))).RootElement;
        Assert.Equal(log.GetProperty("pooled_metrics").GetProperty("psnr_y").GetProperty("mean").GetDouble(), measured, 6);
        Assert.Equal("failed", check.GetProperty("result").GetString());
        using var db = new SqliteConnection($"Data Source={store}");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT rendition, result, measured FROM checks WHERE kind = 'gate'";
        using var reader = cmd.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(("r144", "failed"), (reader.GetString(0), reader.GetString(1)));
        Assert.Equal(measured, reader.GetDouble(2), 6);
    }

    [Fact]
    public void A_gate_the_clip_meets_exits_0()
    {
        var (o, summary) = Encode("pass", "--gate", "psnr_y.mean>=20", "--gate", "psnr.min>=10");
        Assert.True(o.ExitCode == 0, o.StdErr);
        Assert.True(summary.GetProperty("verdict").GetProperty("passed").GetBoolean());
        Assert.Equal(6, Checks(summary, "gate").Count); // two gates on three renditions
        Assert.All(Checks(summary, "gate"), c => Assert.Equal("passed", c.GetProperty("result").GetString()));
    }

    [Fact]
    public void A_glob_picks_its_renditions_and_a_mode_picks_its_scores()
    {
        string gates = Path.Combine(Dir, "gates.json");
        File.WriteAllText(gates, """{"gates": ["r*:psnr_y.mean<=1", {"rendition": "x144", "metric": "psnr_y", "stat": "p5", "min": 10, "scoreAt": "source"}]}""");
        var (o, summary) = Encode("glob", "--gates", gates, "--score-at", "both");
        Assert.Equal(3, o.ExitCode);
        var checks = Checks(summary, "gate");
        var failed = checks.Where(c => c.GetProperty("result").GetString() == "failed").Select(c => (c.GetProperty("rendition").GetString(), c.GetProperty("score_at").GetString())).Order().ToList();
        Assert.Equal([("r144", "encode"), ("r144", "source"), ("r96", "encode"), ("r96", "source")], failed);
        var x = Assert.Single(checks, c => c.GetProperty("rendition").GetString() == "x144");
        Assert.Equal(("source", "passed"), (x.GetProperty("score_at").GetString(), x.GetProperty("result").GetString()));
    }

    [Theory]
    [InlineData("vmaf.p7>=3", "no statistic 'p7'")]
    [InlineData("vmaf>=3", "expected [RENDITION:]METRIC.STAT>=NUMBER")]
    [InlineData("psnr_y.mean>=30@middle", "'@middle' is not a score-at mode")]
    [InlineData("float_ssim.mean>=0.9", "needs --metrics to include ssim")]
    [InlineData("cambi.mean<=5", "cambi needs --metrics to include cambi")]
    [InlineData("nosuchmetric.mean>=10", "no metric writes 'nosuchmetric'")]
    [InlineData("psnr_y.mean>=30@source", "does not score at source")]
    [InlineData("1080p:psnr_y.mean>=30", "no rendition of the ladder matches '1080p'")]
    public void A_malformed_gate_is_an_input_error_naming_it(string gate, string because)
    {
        var (o, _) = Encode($"bad-{Guid.NewGuid():N}", "--gate", gate);
        Assert.Equal(1, o.ExitCode);
        var line = Assert.Single(o.Errors);
        Assert.Contains(because, line);
        Assert.Contains("gate '", line);
        Assert.DoesNotContain("Rendition r144:", o.StdErr); // refused before any encoder opened
    }
}

/// <summary>Sampling: deterministic per key, the rate holds over many keys, a sampled-out run encodes without scores.</summary>
public class SamplingTests
{
    [Fact]
    public void The_same_key_decides_the_same_way_and_the_rate_holds()
    {
        var keys = Enumerable.Range(0, 1000).Select(i => SampleDecision.KeyFor($"job-{i}", "s.mp4", "default")).ToList();
        var first = keys.Select(k => SampleDecision.IsSampled(0.1, k)).ToList();
        Assert.Equal(first, keys.Select(k => SampleDecision.IsSampled(0.1, k)));
        Assert.InRange(first.Count(s => s) / 1000.0, 0.07, 0.13);
        // Without a job id, the source and the ladder are the key.
        Assert.Equal(SampleDecision.KeyFor(null, "a.mp4", "L"), SampleDecision.KeyFor(null, Path.GetFullPath("a.mp4"), "L"));
        Assert.NotEqual(SampleDecision.KeyFor(null, "a.mp4", "L"), SampleDecision.KeyFor(null, "a.mp4", "M"));
        Assert.True(SampleDecision.IsSampled(1, "any"));
        Assert.False(SampleDecision.IsSampled(0, "any"));
    }

    [Fact]
    public void A_sampled_out_run_encodes_and_records_no_scores()
    {
        // A job id this rate leaves out, found by the same rule the run applies.
        string job = Enumerable.Range(0, 100).Select(i => $"job-{i}").First(j => !SampleDecision.IsSampled(0.5, SampleDecision.KeyFor(j, "", "")));
        string outDir = Repo.Scratch("sampling");
        var o = EqProcess.Run("encode", Repo.Media("BA1_FT_C.264"), "--ladder", "default", "--out", outDir, "--frames", "5",
            "--sample-rate", "0.5", "--job-id", job, "--gate", "vmaf.mean>=99");
        Assert.True(o.ExitCode == 0, o.StdErr);
        Assert.Contains("not scored", o.StdErr);
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json"))).RootElement;
        Assert.False(summary.GetProperty("sampled").GetBoolean());
        Assert.Empty(Directory.GetFiles(outDir, "*scores.json"));
        Assert.True(File.Exists(Path.Combine(outDir, "240p.mp4")));
        var r = summary.GetProperty("renditions")[0];
        Assert.False(r.TryGetProperty("scores", out _));
        Assert.False(r.TryGetProperty("score_fps", out _));
        Assert.Equal("skipped", summary.GetProperty("verdict").GetProperty("checks")[0].GetProperty("result").GetString());
    }
}

/// <summary>Ladder checks in every run: an inverted ladder is flagged, a sane one is not, encode-only runs say skipped.</summary>
public class LadderCheckTests
{
    private static readonly string Dir = Repo.Scratch("ladder-checks");

    private static (EqProcess.Outcome Run, List<JsonElement> Checks) Encode(string name, string rungs, string scoreAt, params string[] extra)
    {
        string ladder = Path.Combine(Dir, name + ".json");
        File.WriteAllText(ladder, $$"""{"renditions": [{{rungs}}]}""");
        string outDir = Path.Combine(Dir, name);
        var o = EqProcess.Run(["encode", Repo.Media("VID_1280x720_cabac_temporal_direct.264"), "--ladder", ladder, "--out", outDir,
            "--frames", "20", "--metrics", "vmaf", "--vmaf-engine", "managed", "--score-at", scoreAt, .. extra]);
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json"))).RootElement;
        return (o, [.. summary.GetProperty("verdict").GetProperty("checks").EnumerateArray().Select(c => c.Clone())]);
    }

    private const string Inverted = """
        {"name": "360p", "codec": "x264", "height": 360, "crf": 18, "preset": "veryfast"},
        {"name": "540p", "codec": "x264", "height": 540, "crf": 45, "preset": "veryfast"}
        """;

    [Fact]
    public void An_inverted_ladder_is_flagged_and_fails_only_with_fail_on_ladder()
    {
        var (o, checks) = Encode("inverted", Inverted, "source");
        Assert.True(o.ExitCode == 0, o.StdErr);
        var inversion = Assert.Single(checks, c => c.GetProperty("kind").GetString() == "inversion");
        Assert.Equal(("failed", "360p"), (inversion.GetProperty("result").GetString(), inversion.GetProperty("rendition").GetString()));
        Assert.Contains(checks, c => c.GetProperty("kind").GetString() == "bitrate_order" && c.GetProperty("result").GetString() == "failed");
        Assert.Contains("warning inversion: 360p", o.StdOut);

        var (strict, _) = Encode("inverted-strict", Inverted, "source", "--fail-on-ladder");
        Assert.Equal(3, strict.ExitCode);
        Assert.Contains("inversion: 360p", Assert.Single(strict.Errors));
    }

    [Fact]
    public void A_sane_ladder_is_not_flagged_and_knees_are_measured()
    {
        var (o, checks) = Encode("sane", """
            {"name": "360p", "codec": "x264", "height": 360, "crf": 26, "preset": "veryfast"},
            {"name": "540p", "codec": "x264", "height": 540, "crf": 24, "preset": "veryfast"},
            {"name": "720p", "codec": "x264", "height": 720, "crf": 22, "preset": "veryfast"}
            """, "source");
        Assert.True(o.ExitCode == 0, o.StdErr);
        Assert.DoesNotContain(checks, c => c.GetProperty("result").GetString() == "failed");
        Assert.Equal("passed", Assert.Single(checks, c => c.GetProperty("kind").GetString() == "inversion").GetProperty("result").GetString());
        Assert.Equal(2, checks.Count(c => c.GetProperty("kind").GetString() == "knee"));
        Assert.All(checks.Where(c => c.GetProperty("kind").GetString() == "knee"), c => Assert.True(c.GetProperty("measured").GetDouble() > 0));
    }

    [Fact]
    public void Without_score_at_source_the_inversion_check_is_skipped()
    {
        var (o, checks) = Encode("encode-only", Inverted, "encode");
        Assert.True(o.ExitCode == 0, o.StdErr);
        var inversion = Assert.Single(checks, c => c.GetProperty("kind").GetString() == "inversion");
        Assert.Equal("skipped", inversion.GetProperty("result").GetString());
        Assert.Contains("needs VMAF at --score-at source", inversion.GetProperty("message").GetString());
    }
}

/// <summary>--subsample N scores every Nth frame, each exactly as a full run scores it: VMAF's motion still sees every frame.</summary>
public class SubsampleTests
{
    [Fact]
    public void Subsampled_frames_score_exactly_as_in_a_full_run()
    {
        string dir = Repo.Scratch("subsample");
        string ladder = Path.Combine(dir, "ladder.json");
        File.WriteAllText(ladder, """{"renditions": [{"name": "r", "codec": "x264", "height": 144, "crf": 35, "bframes": 3}]}""");
        Dictionary<int, Dictionary<string, double>> Frames(string name, params string[] extra)
        {
            string outDir = Path.Combine(dir, name);
            var o = EqProcess.Run(["encode", Repo.Media("BA1_FT_C.264"), "--ladder", ladder, "--out", outDir, "--frames", "20",
                "--metrics", "vmaf,psnr", "--vmaf-engine", "managed", .. extra]);
            Assert.True(o.ExitCode == 0, o.StdErr);
            var log = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "r.scores.json"))).RootElement;
            return log.GetProperty("frames").EnumerateArray().ToDictionary(f => f.GetProperty("frameNum").GetInt32(),
                f => f.GetProperty("metrics").EnumerateObject().ToDictionary(m => m.Name, m => m.Value.GetDouble()));
        }
        var full = Frames("full");
        var sub = Frames("sub", "--subsample", "3");
        Assert.Equal(Enumerable.Range(0, 7).Select(i => 3 * i), sub.Keys.Order());
        foreach (var (frame, metrics) in sub) Assert.Equal(full[frame], metrics);
        Assert.Equal(20, full.Count);
    }
}
