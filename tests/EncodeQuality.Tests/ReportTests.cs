using System.Text.Json;
using System.Text.Json.Nodes;
using EncodeQuality.Tests.Support;

namespace EncodeQuality.Tests;

/// <summary>
/// The HTML reports in a real browser (Debian's Chromium, headless): no console error, no request
/// beyond the page itself, the charts drawn with the right series and points, the page's data and
/// the charts' data equal to the score logs. Screenshots of both pages are saved beside the test output.
/// </summary>
public class ReportTests(RegressionLadders ladders) : IClassFixture<RegressionLadders>
{
    private static readonly string Dir = Repo.Scratch("report");

    private static async Task<JsonArray> OpenAndCheck(HeadlessChromium browser, string page, string screenshot)
    {
        var url = new Uri(page).AbsoluteUri;
        await browser.Open(url);
        Assert.Empty(browser.ConsoleErrors);
        // The page itself is the only request: no script, style, font or image is fetched.
        Assert.Equal([url], browser.Requests.Where(r => !r.StartsWith("data:", StringComparison.Ordinal)).Distinct());
        await browser.Screenshot(screenshot);
        Assert.True(new FileInfo(screenshot).Length > 10_000);
        return (await browser.Evaluate("window.eqCharts.map(c => ({ id: c.id, series: c.series, points: c.points }))"))!.AsArray();
    }

    private static JsonObject ChartInfo(JsonArray charts, string id) =>
        charts.Select(c => c!.AsObject()).Single(c => (string?)c["id"] == id);

    [Fact]
    public async Task A_run_report_draws_the_score_logs()
    {
        string ladder = Path.Combine(Dir, "ladder.json");
        File.WriteAllText(ladder, """
            {"renditions": [{"name": "360p", "codec": "x264", "height": 360, "crf": 26, "preset": "veryfast"},
                            {"name": "540p", "codec": "x264", "height": 540, "crf": 24, "preset": "veryfast"},
                            {"name": "720p", "codec": "x265", "height": 720, "crf": 28, "preset": "ultrafast"}]}
            """);
        string outDir = Path.Combine(Dir, "run");
        var encode = EqProcess.Run("encode", Repo.Media("VID_1280x720_cabac_temporal_direct.264"), "--ladder", ladder, "--out", outDir, "--frames", "30",
            "--metrics", "vmaf,psnr,ssim", "--vmaf-engine", "managed", "--score-at", "both", "--gate", "720p:vmaf.p5>=99");
        Assert.Equal(3, encode.ExitCode);
        string page = Path.Combine(Dir, "run.html");
        var report = EqProcess.Run("report", outDir, "--out", page);
        Assert.True(report.ExitCode == 0, report.StdErr);

        await using var browser = await HeadlessChromium.Start();
        var charts = await OpenAndCheck(browser, page, Path.Combine(Dir, "run.png"));
        foreach (var mode in new[] { "encode", "source" })
        {
            var frames = ChartInfo(charts, "frames-" + mode);
            Assert.Equal(3, (int)frames["series"]!);
            Assert.Equal([30, 30, 30], frames["points"]!.AsArray().Select(p => (int)p!));
            var percentiles = ChartInfo(charts, "percentiles-" + mode);
            Assert.Equal(6, (int)percentiles["series"]!);
            Assert.All(percentiles["points"]!.AsArray(), p => Assert.Equal(3, (int)p!));
        }
        var rate = ChartInfo(charts, "rate-quality");
        Assert.Equal(4, (int)rate["series"]!); // VMAF and its hull, at encode and at source
        Assert.Equal(3, (int)rate["points"]![0]!);

        // The page's data and the drawn series against the score logs, frame by frame.
        var data = (await browser.Evaluate("JSON.parse(document.getElementById('eq-data').textContent)"))!;
        var drawn = (await browser.Evaluate("window.eqCharts.find(c => c.id === 'frames-source').plot.data"))!.AsArray();
        foreach (var mode in data["modes"]!.AsArray())
            foreach (var (rung, i) in mode!["rungs"]!.AsArray().Select((r, i) => (r!, i)))
            {
                string log = Path.Combine(outDir, (string)rung["name"]! + ((string)mode["mode"]! == "source" ? ".source-scores.json" : ".scores.json"));
                var frames = JsonDocument.Parse(File.ReadAllText(log)).RootElement.GetProperty("frames").EnumerateArray().ToList();
                foreach (var metric in new[] { "vmaf", "psnr_y", "float_ssim" })
                    Assert.Equal(frames.Select(f => f.GetProperty("metrics").GetProperty(metric).GetDouble()),
                        rung["values"]![metric]!.AsArray().Select(v => (double)v!));
                if ((string)mode["mode"]! == "source")
                    Assert.Equal(frames.Select(f => f.GetProperty("metrics").GetProperty("vmaf").GetDouble()), drawn[i + 1]!.AsArray().Select(v => (double)v!));
                Assert.Single(rung["worst_percent"]!.AsArray()); // 30 frames: the worst 1 % is one frame
                Assert.Equal(10, rung["worst"]!.AsArray().Count);
            }
        Assert.Contains(data["verdict"]!["checks"]!.AsArray(), c => (string?)c!["kind"] == "gate" && (string?)c["result"] == "failed");
        Assert.Equal("FAIL", (string?)await browser.Evaluate("document.querySelector('h1 .badge').textContent"));
    }

    [Fact]
    public async Task A_comparison_report_draws_both_curves_and_the_deltas()
    {
        string json = Path.Combine(Dir, "compare.json");
        Assert.Equal(0, EqProcess.Run("compare", ladders.Medium, ladders.Ultrafast, "--json", json).ExitCode);
        string page = Path.Combine(Dir, "compare.html");
        var report = EqProcess.Run("report", json, "--out", page);
        Assert.True(report.ExitCode == 0, report.StdErr);

        await using var browser = await HeadlessChromium.Start();
        var charts = await OpenAndCheck(browser, page, Path.Combine(Dir, "compare.png"));
        var curves = ChartInfo(charts, "compare-0");
        Assert.Equal(4, (int)curves["series"]!); // BASE and NEW at encode and at source
        Assert.All(curves["points"]!.AsArray(), p => Assert.Equal(5, (int)p!));
        var data = (await browser.Evaluate("JSON.parse(document.getElementById('eq-data').textContent)"))!;
        var written = JsonNode.Parse(File.ReadAllText(json))!;
        Assert.Equal(written["sources"]![0]!["bd"]!.ToJsonString(), data["sources"]![0]!["bd"]!.ToJsonString());
        int rows = (int)(await browser.Evaluate("document.querySelectorAll('table.data')[1].tBodies[0].rows.length"))!;
        Assert.Equal(10, rows); // 5 rungs at 2 modes
    }

    /// <summary>A stored run's page holds the same per-frame scores as the page of its output folder.</summary>
    [Fact]
    public void A_stored_run_reports_as_its_folder_does()
    {
        string id = JsonDocument.Parse(File.ReadAllText(Path.Combine(ladders.Medium, "summary.json"))).RootElement.GetProperty("run_id").GetString()!;
        string fromFolder = Path.Combine(Dir, "folder.html"), fromStore = Path.Combine(Dir, "store.html");
        Assert.Equal(0, EqProcess.Run("report", ladders.Medium, "--out", fromFolder).ExitCode);
        var o = EqProcess.Run("report", id, "--store", ladders.Store, "--out", fromStore);
        Assert.True(o.ExitCode == 0, o.StdErr);
        static JsonNode Data(string page)
        {
            string html = File.ReadAllText(page);
            const string open = "<script type=\"application/json\" id=\"eq-data\">";
            int start = html.IndexOf(open, StringComparison.Ordinal) + open.Length;
            return JsonNode.Parse(html[start..html.IndexOf("</script>", start, StringComparison.Ordinal)])!;
        }
        var (a, b) = (Data(fromFolder), Data(fromStore));
        Assert.Equal(a["modes"]!.AsArray().Count, b["modes"]!.AsArray().Count);
        for (int m = 0; m < a["modes"]!.AsArray().Count; m++)
            for (int r = 0; r < 5; r++)
                Assert.Equal(a["modes"]![m]!["rungs"]![r]!["values"]!.ToJsonString(), b["modes"]![m]!["rungs"]![r]!["values"]!.ToJsonString());
        // The rungs as both sources know them (the store keeps no queue marks; its pooled values come from unrounded frames).
        static string Rungs(JsonNode d) => string.Join(";", d["renditions"]!.AsArray().Select(r =>
            $"{r!["name"]} {r["codec"]} {r["width"]}x{r["height"]} {r["bitrate_kbps"]} {r["rate_control"]}"));
        Assert.Equal(Rungs(a), Rungs(b));
    }

    /// <summary>
    /// The farm-wide page over an SQLite store: the two regression runs differ only in preset, so
    /// every rung splits into two versions there; the page's figures hold what the runs wrote.
    /// </summary>
    [Fact]
    public async Task A_farm_page_from_an_sqlite_store_splits_each_rung_where_its_preset_changed()
    {
        string page = Path.Combine(Dir, "farm.html");
        var o = EqProcess.Run("report", "--store", ladders.Store, "--since", "2h", "--out", page);
        Assert.True(o.ExitCode == 0, o.StdErr);
        await using var browser = await HeadlessChromium.Start();
        var charts = await OpenAndCheck(browser, page, Path.Combine(Dir, "farm.png"));
        string[] rungs = ["216p", "288p", "360p", "540p", "720p"];
        Assert.Equal(rungs.SelectMany(r => new[] { r + " mean", r + " p5" }),
            (await browser.Evaluate("window.eqCharts.find(c => c.id === 'history-source').plot.series.slice(1).map(s => s.label)"))!.AsArray().Select(l => (string)l!));
        Assert.All(ChartInfo(charts, "history-encode")["points"]!.AsArray(), p => Assert.Equal(2, (int)p!));
        Assert.All(ChartInfo(charts, "across")["points"]!.AsArray(), p => Assert.Equal(5, (int)p!));
        Assert.Equal(10, (int)ChartInfo(charts, "versions")["series"]!);

        var data = (await browser.Evaluate("JSON.parse(document.getElementById('eq-data').textContent)"))!;
        Assert.Equal(rungs, data["renditions"]!.AsArray().Select(r => (string)r!));
        Assert.All(data["versions"]!.AsArray(), r => Assert.Equal("preset medium -> ultrafast", (string?)r!["versions"]![1]!["changed"]));
        // Each version's VMAF is that run's pooled mean, as its summary.json says.
        foreach (var (run, v) in new[] { (ladders.Medium, 0), (ladders.Ultrafast, 1) })
        {
            var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))!;
            foreach (var r in summary["renditions"]!.AsArray())
                Assert.Equal((double)r!["scores"]!["vmaf"]!["mean"]!, (double)data["versions"]!.AsArray().Single(x => (string?)x!["rendition"] == (string?)r["name"])!
                    ["versions"]![v]!["vmaf"]!, 6);
        }
        var today = data["days"]!.AsArray().Single(d => (int)d!["jobs"]! > 0)!;
        Assert.Equal("""{"complete":2}""", today["outcomes"]!.ToJsonString());
        Assert.Equal(2 * 5 * 40, (int)today["frames"]!);
        Assert.Empty(data["inversions"]!.AsArray());
        Assert.Equal("None: no smaller rung scored at or above a larger one at source size in the window.",
            (string?)await browser.Evaluate("[...document.querySelectorAll('h2')].find(h => h.textContent === 'Ladder inversions').nextElementSibling.textContent"));
    }

    [Fact]
    public void Bad_report_input_is_one_line_and_exit_1()
    {
        var notComparison = Path.Combine(Dir, "not-a-comparison.json");
        File.WriteAllText(notComparison, """{"renditions": []}""");
        var o = EqProcess.Run("report", notComparison, "--out", Path.Combine(Dir, "x.html"));
        Assert.Equal(1, o.ExitCode);
        Assert.Contains("not a comparison written by eq compare --json", Assert.Single(o.Errors));
        Assert.Equal(1, EqProcess.Run("report", Dir, "--out", Path.Combine(Dir, "y.html")).ExitCode); // a folder without summary.json
        foreach (var (args, reason) in new (string[], string)[]
        {
            (["--since", "3x"], "--since: '3x' is neither an age (30d, 12h, 90m, 2w) nor a time"),
            ([Dir, "--since", "3d"], "--since is for the farm-wide page, which takes no run or comparison"),
            ([], "give a run, a comparison, or --store (or EQ_STORE) for the farm-wide page"),
        })
        {
            var bad = EqProcess.RunWith(new Dictionary<string, string?> { ["EQ_STORE"] = null },
                ["report", .. args, .. args.Contains("3x") ? new[] { "--store", ladders.Store } : [], "--out", Path.Combine(Dir, "z.html")]);
            Assert.Equal(1, bad.ExitCode);
            Assert.Contains(reason, Assert.Single(bad.Errors));
        }
        Assert.False(File.Exists(Path.Combine(Dir, "z.html")));
    }
}
