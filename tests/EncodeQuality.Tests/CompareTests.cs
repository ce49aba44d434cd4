using System.Text.Json;
using EncodeQuality.Tests.Support;

namespace EncodeQuality.Tests;

/// <summary>The same 5-rung x264 ladder at preset medium (BASE) and ultrafast (NEW) on the 720p clip, encoded once for these tests.</summary>
public sealed class RegressionLadders
{
    public string Dir { get; } = Repo.Scratch("compare");
    public string Medium => Path.Combine(Dir, "medium");
    public string Ultrafast => Path.Combine(Dir, "ultrafast");
    public string Store => Path.Combine(Dir, "runs.db");

    public RegressionLadders()
    {
        foreach (var preset in new[] { "medium", "ultrafast" })
        {
            string ladder = Path.Combine(Dir, $"{preset}.json");
            var rungs = new[] { (216, 30), (288, 28), (360, 26), (540, 24), (720, 22) }
                .Select(r => $$"""{"name": "{{r.Item1}}p", "codec": "x264", "height": {{r.Item1}}, "crf": {{r.Item2}}, "preset": "{{preset}}"}""");
            File.WriteAllText(ladder, $$"""{"renditions": [{{string.Join(",", rungs)}}]}""");
            var o = EqProcess.Run("encode", Repo.Media("VID_1280x720_cabac_temporal_direct.264"), "--ladder", ladder, "--out", Path.Combine(Dir, preset),
                "--frames", "40", "--metrics", "vmaf", "--vmaf-engine", "managed", "--score-at", "both", "--store", Store, "--job-id", preset);
            if (o.ExitCode != 0) throw new InvalidOperationException(o.StdErr);
        }
    }
}

public class CompareTests(RegressionLadders ladders) : IClassFixture<RegressionLadders>
{
    /// <summary>
    /// A comparison that cannot say anything says why: runs with no rendition in common, and a
    /// --max-bdrate on runs without VMAF on both sides (before: an empty table, and "()").
    /// </summary>
    [Fact]
    public void A_comparison_with_nothing_to_compare_says_why()
    {
        string d = Repo.Scratch("compare-nothing");
        string Run(string name, string rung, string metrics)
        {
            string ladder = Path.Combine(d, name + ".json"), o = Path.Combine(d, name);
            File.WriteAllText(ladder, $$"""{"renditions": [{"name": "{{rung}}", "codec": "x264", "height": 144, "crf": 30, "preset": "ultrafast"}]}""");
            var e = EqProcess.Run("encode", Repo.Media("BA1_FT_C.264"), "--ladder", ladder, "--frames", "5", "--metrics", metrics, "--out", o);
            Assert.True(e.ExitCode == 0, e.StdErr);
            return o;
        }
        string a = Run("a", "low", "psnr"), b = Run("b", "other", "psnr"), c = Run("c", "low", "psnr");
        var apart = EqProcess.Run("compare", a, b);
        Assert.Equal(1, apart.ExitCode);
        Assert.Contains("no rendition in common (BASE: low; NEW: other)", Assert.Single(apart.Errors));
        var noVmaf = EqProcess.Run("compare", a, c, "--max-bdrate", "1");
        Assert.Equal(1, noVmaf.ExitCode);
        Assert.Contains("not computable here (no rendition in common is scored with VMAF on both sides)", Assert.Single(noVmaf.Errors));
    }

    /// <summary>
    /// A run compared from its outcome in memory (as the worker compares the job it just ran)
    /// reads the same as from its folder: the outcome here is the folder read back with its
    /// score logs, pooled afresh at full precision, against summary.json's six decimals.
    /// </summary>
    [Fact]
    public void A_run_compared_in_memory_matches_the_same_run_read_from_its_folder()
    {
        var fromFiles = EncodeQuality.Decisions.Compare.LadderSummary.FromFiles(ladders.Medium);
        using var outcome = EncodeQuality.Results.Files.SummaryReader.Read(ladders.Medium);
        var inMemory = EncodeQuality.Decisions.Compare.LadderSummary.FromOutcome(outcome, ladders.Medium);
        Assert.Equal(fromFiles.Source, inMemory.Source);
        Assert.Equal(fromFiles.Rungs.Select(r => (r.Name, r.Codec, r.Width, r.Height, r.Kbps)), inMemory.Rungs.Select(r => (r.Name, r.Codec, r.Width, r.Height, r.Kbps)));
        int compared = 0;
        foreach (var (f, m) in fromFiles.Rungs.Zip(inMemory.Rungs))
            foreach (var (mode, metrics) in f.Pooled)
                foreach (var (metric, p) in metrics)
                {
                    var q = m.Score(mode, metric)!.Value;
                    Assert.InRange(q.Mean - p.Mean, -1e-6, 1e-6);
                    Assert.InRange(q.P5 - p.P5, -1e-6, 1e-6);
                    compared++;
                }
        Assert.True(compared >= 10);
        var options = new EncodeQuality.Decisions.Compare.CompareOptions();
        var byFolder = EncodeQuality.Decisions.Compare.RunComparison.Run(ladders.Ultrafast, ladders.Medium, null, options);
        var byOutcome = EncodeQuality.Decisions.Compare.RunComparison.Run(ladders.Ultrafast, inMemory, null, options);
        Assert.Equal(byFolder.Sources[0].Bd.Count, byOutcome.Sources[0].Bd.Count);
        foreach (var (a, b) in byFolder.Sources[0].Bd.Zip(byOutcome.Sources[0].Bd))
            Assert.InRange(a.Rate.Value!.Value - b.Rate.Value!.Value, -1e-3, 1e-3);
    }

    [Fact]
    public void A_slower_preset_against_ultrafast_is_a_regression_in_BD_rate()
    {
        string json = Path.Combine(ladders.Dir, "cmp.json");
        var o = EqProcess.Run("compare", ladders.Medium, ladders.Ultrafast, "--json", json);
        Assert.True(o.ExitCode == 0, o.StdErr);
        Assert.Contains("BD-rate (pchip, score-at source, 5 points): +", o.StdOut);
        var doc = JsonDocument.Parse(File.ReadAllText(json)).RootElement;
        var source = doc.GetProperty("sources")[0];
        Assert.Equal(5, source.GetProperty("rungs").GetArrayLength());
        foreach (var bd in source.GetProperty("bd").EnumerateArray())
        {
            Assert.True(bd.GetProperty("bd_rate_percent").GetDouble() > 0, "ultrafast needs more bits for the same VMAF");
            Assert.True(bd.GetProperty("bd_vmaf").GetDouble() < 0);
        }
        // The per-rung figures are the summaries' own.
        var baseSummary = JsonDocument.Parse(File.ReadAllText(Path.Combine(ladders.Medium, "summary.json"))).RootElement;
        Assert.Equal(baseSummary.GetProperty("renditions")[4].GetProperty("bitrate_kbps").GetDouble(),
            source.GetProperty("rungs")[4].GetProperty("base").GetProperty("kbps").GetDouble(), 3);

        var strict = EqProcess.Run("compare", ladders.Medium, ladders.Ultrafast, "--max-bdrate", "1", "--bd-method", "cubic");
        Assert.Equal(3, strict.ExitCode);
        Assert.Contains("is above --max-bdrate 1 %", Assert.Single(strict.Errors));
        // The other way round ultrafast -> medium saves bits: no regression.
        Assert.Equal(0, EqProcess.Run("compare", ladders.Ultrafast, ladders.Medium, "--max-bdrate", "1").ExitCode);
    }

    [Fact]
    public void Stored_runs_compare_as_their_folders_do()
    {
        string Id(string folder) => JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json"))).RootElement.GetProperty("run_id").GetString()!;
        var files = EqProcess.Run("compare", ladders.Medium, ladders.Ultrafast);
        var stored = EqProcess.Run("compare", Id(ladders.Medium), Id(ladders.Ultrafast), "--store", ladders.Store);
        Assert.True(stored.ExitCode == 0, stored.StdErr);
        string Bd(string text) => string.Join("\n", text.Split('\n').Where(l => l.StartsWith("BD-rate")));
        Assert.Equal(Bd(files.StdOut), Bd(stored.StdOut));
    }

    [Fact]
    public void A_corpus_averages_its_sources_and_drops_are_thresholds()
    {
        string baseDir = Path.Combine(ladders.Dir, "corpus-base"), newDir = Path.Combine(ladders.Dir, "corpus-new");
        foreach (var (dir, run) in new[] { (baseDir, ladders.Medium), (newDir, ladders.Ultrafast) })
            foreach (var name in new[] { "clip-a", "clip-b" })
            {
                Directory.CreateDirectory(Path.Combine(dir, name));
                File.Copy(Path.Combine(run, "summary.json"), Path.Combine(dir, name, "summary.json"), overwrite: true);
            }
        var single = EqProcess.Run("compare", ladders.Medium, ladders.Ultrafast);
        var corpus = EqProcess.Run("compare", baseDir, newDir);
        Assert.True(corpus.ExitCode == 0, corpus.StdErr);
        string value = single.StdOut.Split('\n').First(l => l.StartsWith("BD-rate (pchip, score-at source")).Split(": ")[1].Split(' ')[0];
        Assert.Contains($"Average BD-rate over 2 sources, score-at source: {value} %", corpus.StdOut);

        var drop = EqProcess.Run("compare", ladders.Medium, ladders.Ultrafast, "--max-drop", "0");
        var medium = JsonDocument.Parse(File.ReadAllText(Path.Combine(ladders.Medium, "summary.json"))).RootElement.GetProperty("renditions");
        var fast = JsonDocument.Parse(File.ReadAllText(Path.Combine(ladders.Ultrafast, "summary.json"))).RootElement.GetProperty("renditions");
        bool anyDrop = Enumerable.Range(0, 5).Any(i => fast[i].GetProperty("scores").GetProperty("vmaf").GetProperty("mean").GetDouble()
            < medium[i].GetProperty("scores").GetProperty("vmaf").GetProperty("mean").GetDouble());
        Assert.Equal(anyDrop ? 3 : 0, drop.ExitCode);
        Assert.Equal(0, EqProcess.Run("compare", ladders.Medium, ladders.Ultrafast, "--max-drop", "50", "--max-p5-drop", "50").ExitCode);
    }

    [Fact]
    public void Too_few_rungs_are_not_computable_and_a_threshold_on_them_is_an_input_error()
    {
        string small = Path.Combine(ladders.Dir, "three");
        Directory.CreateDirectory(small);
        var summary = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(ladders.Medium, "summary.json")))!;
        var rungs = summary["renditions"]!.AsArray();
        while (rungs.Count > 3) rungs.RemoveAt(rungs.Count - 1);
        File.WriteAllText(Path.Combine(small, "summary.json"), summary.ToJsonString());
        var o = EqProcess.Run("compare", small, ladders.Ultrafast);
        Assert.True(o.ExitCode == 0, o.StdErr);
        Assert.Contains("not computable: needs at least 4 rate points on each side, has 3 and 3", o.StdOut);
        var strict = EqProcess.Run("compare", small, ladders.Ultrafast, "--max-bdrate", "1");
        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("BD-rate is not computable", Assert.Single(strict.Errors));
    }
}
