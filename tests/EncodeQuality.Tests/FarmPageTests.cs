using System.Text.Json.Nodes;
using EncodeQuality.Tests.Support;

namespace EncodeQuality.Tests;

/// <summary>
/// eq report --store: the farm-wide page over the store a worker filled, opened in headless
/// Chromium. Each figure is checked against what the test did (its jobs' ladders and outcomes) and
/// against what the store holds apart from the page's views (the run's own ladder checks).
/// </summary>
public partial class FarmTests
{
    private static readonly string[] FarmFigures =
    [
        "VMAF mean and p5 by rendition over time", "VMAF percentiles per rendition", "Bitrate against VMAF per rendition",
        "Renditions before and after a ladder change", "VMAF at source size across the ladder", "Ladder inversions", "Job outcomes and throughput per day",
    ];

    /// <param name="done">Scored at both sizes, ultrafast.</param>
    /// <param name="gated">Failed its gate; "large" capped at 40 kbit/s, scored at both sizes.</param>
    /// <param name="drained">veryslow, scored at the rungs' sizes only, finished while its worker drained.</param>
    private async Task FarmPageShowsEveryFigure(string store, string done, string gated, string drained)
    {
        string dir = Repo.Scratch("farm-page"), page = Path.Combine(dir, "farm.html");
        var o = EqProcess.Run("report", "--store", store, "--since", "1d", "--out", page);
        Assert.True(o.ExitCode == 0, o.StdErr);

        await using var browser = await HeadlessChromium.Start();
        string url = new Uri(page).AbsoluteUri;
        await browser.Open(url, height: 1200);
        Assert.Empty(browser.ConsoleErrors);
        Assert.Equal([url], browser.Requests.Where(r => !r.StartsWith("data:", StringComparison.Ordinal)).Distinct());
        string shot = Path.Combine(dir, "farm.png");
        await browser.Screenshot(shot);
        Assert.True(new FileInfo(shot).Length > 10_000);
        output.WriteLine($"farm page: {page}, screenshot {shot}");

        Assert.Equal(FarmFigures, (await browser.Evaluate("[...document.querySelectorAll('h2')].map(h => h.textContent)"))!.AsArray().Select(h => (string)h!));
        var charts = (await browser.Evaluate("Object.fromEntries(window.eqCharts.map(c => [c.id, { series: c.series, points: c.points, labels: c.plot.series.slice(1).map(s => s.label) }]))"))!;
        JsonNode Chart(string id) => charts[id] ?? throw new Xunit.Sdk.XunitException($"the farm page drew no chart '{id}'");
        int[] Points(string id) => [.. Chart(id)["points"]!.AsArray().Select(p => (int)p!)];
        string[] Labels(string id) => [.. Chart(id)["labels"]!.AsArray().Select(p => (string)p!)];
        // Over time: mean and p5 of both renditions, one point per run that scored there.
        Assert.Equal(["small mean", "small p5", "large mean", "large p5"], Labels("history-encode"));
        Assert.Equal([3, 3, 3, 3], Points("history-encode"));
        Assert.Equal([2, 2, 2, 2], Points("history-source"));
        Assert.Equal([2, 2, 2, 2, 2], Points("percentiles-encode"));
        Assert.Equal([2, 2, 2], Points("across"));
        Assert.Equal(["small", "large", "held at its cap"], Labels("rates"));
        Assert.Equal(1, Points("rates")[2]);
        Assert.Equal(["small v1", "small v2", "large v1", "large v2", "large v3"], Labels("versions"));
        Assert.Equal(["dead-lettered", "gate-failed", "complete"], Labels("outcomes")); // drawn tallest first
        Assert.Equal(2, Points("throughput").Length);

        var data = (await browser.Evaluate("JSON.parse(document.getElementById('eq-data').textContent)"))!;
        string RunOf(string job) => (string)Rows(store, $"SELECT id FROM runs WHERE job_id = '{job}'").Single()[0]!;
        // The knee: only the capped run of "large" is held at its cap, and it scores below the uncapped runs.
        var large = data["rates"]!.AsArray().Single(r => (string?)r!["rendition"] == "large")!;
        var capped = large["points"]!.AsArray().Where(p => (bool)p!["at_cap"]!).ToList();
        Assert.Equal(RunOf(gated), (string?)Assert.Single(capped)!["run_id"]);
        Assert.Equal([40.0], large["caps"]!.AsArray().Select(c => (double)c!));
        Assert.True((double)large["vmaf_at_cap"]! < (double)large["vmaf_below_cap"]!, large.ToJsonString());
        // The ladder changes the jobs made: "large" gained a cap, then both went veryslow.
        string Changes(string rendition) => string.Join(" | ", data["versions"]!.AsArray().Single(r => (string?)r!["rendition"] == rendition)!["versions"]!.AsArray()
            .Skip(1).Select(v => (string?)v!["changed"]));
        Assert.Equal("preset ultrafast -> veryslow", Changes("small"));
        Assert.Equal("bufsize (unset) -> 80, maxrate (unset) -> 40 | bufsize 80 -> (unset), maxrate 40 -> (unset), preset ultrafast -> veryslow", Changes("large"));
        // The inversions listed are those the runs' own ladder checks found (C#, not the store's view).
        Assert.Equal(Rows(store, "SELECT run_id, rendition FROM checks WHERE kind = 'inversion' AND result = 'failed'").Select(r => $"{r[0]} {r[1]}"),
            data["inversions"]!.AsArray().Select(i => $"{i!["run_id"]} {i["smaller"]}"));
        Assert.Equal(RunOf(gated), (string?)data["inversions"]![0]!["run_id"]);
        // Today's jobs as the test saw them end, and the frames the store says were encoded.
        var today = data["days"]!.AsArray().Single(d => (int)d!["jobs"]! > 0)!;
        Assert.Equal(DateTime.UtcNow.ToString("yyyy-MM-dd"), (string?)today["day"]);
        Assert.Equal("""{"complete":2,"dead-lettered":1,"gate-failed":1}""", today["outcomes"]!.ToJsonString());
        Assert.Equal(Count(store, "SELECT sum(frames) FROM renditions"), (int)today["frames"]!);
        Assert.Equal(3, Count(store, $"SELECT count(*) FROM runs WHERE job_id IN ('{done}', '{gated}', '{drained}')"));
    }
}
