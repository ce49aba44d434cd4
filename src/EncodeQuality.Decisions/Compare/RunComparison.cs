using System.Globalization;
using EncodeQuality.Results.Store;
using EncodeQuality.Model;

namespace EncodeQuality.Decisions.Compare;

/// <param name="MaxBdRate">Fail when a BD-rate (percent) is above this.</param>
/// <param name="MaxDrop">Fail when any rung's VMAF mean drops by more than this.</param>
/// <param name="MaxP5Drop">Fail when any rung's VMAF p5 drops by more than this.</param>
public sealed record CompareOptions(BdMethod Method = BdMethod.Pchip, double? MaxBdRate = null, double? MaxDrop = null, double? MaxP5Drop = null);

/// <summary>The Bjøntegaard deltas of one score-at mode over the rungs both sides have.</summary>
public sealed record ModeBd(ScoreAt Mode, BdResult Rate, BdResult Vmaf, int Points);

/// <summary>One source's BASE and NEW ladders: the rungs both have (matched by name), and the deltas per score-at mode.</summary>
public sealed record SourceComparison(string Name, LadderSummary Base, LadderSummary New, IReadOnlyList<(RungSummary Base, RungSummary New)> Rungs,
    IReadOnlyList<ModeBd> Bd);

public sealed record ComparisonResult(BdMethod Method, IReadOnlyList<SourceComparison> Sources, IReadOnlyList<(ScoreAt Mode, double? BdRate)> Average,
    IReadOnlyList<string> Unmatched, IReadOnlyList<string> Failures)
{
    public bool Failed => Failures.Count > 0;
}

/// <summary>
/// eq compare: two runs (or two folders of runs, one per source) side by side, rung by rung, with
/// BD-rate and BD-VMAF over each side's rate points, and the thresholds that make it a regression gate.
/// </summary>
public static class RunComparison
{
    /// <summary>Reads both sides: output folders, summary.json files, store run ids, or folders of output folders (a corpus).</summary>
    public static ComparisonResult Run(string basePath, string newPath, ResultStore? store, CompareOptions options) =>
        Run(Sides(basePath, store), Sides(newPath, store), options);

    /// <summary>A past run (or corpus) against a run just made, whose outcome is in memory.</summary>
    public static ComparisonResult Run(string basePath, LadderSummary made, ResultStore? store, CompareOptions options) =>
        Run(Sides(basePath, store), [new("", made)], options);

    private static ComparisonResult Run(List<KeyValuePair<string, LadderSummary>> bases, List<KeyValuePair<string, LadderSummary>> news,
        CompareOptions options)
    {
        bool corpus = bases.Count > 1 || news.Count > 1 || bases[0].Key != "" || news[0].Key != "";
        var sources = new List<SourceComparison>();
        var unmatched = new List<string>();
        foreach (var (key, b) in bases)
        {
            var n = news.FirstOrDefault(x => x.Key == key).Value;
            if (n is null) unmatched.Add($"{key}: only in BASE");
            else sources.Add(Compare(corpus ? key : "", b, n, options.Method));
        }
        unmatched.AddRange(news.Where(x => bases.All(b => b.Key != x.Key)).Select(x => $"{x.Key}: only in NEW"));
        if (sources.Count == 0) throw new InputException("BASE and NEW have no source in common");
        if (sources.All(s => s.Rungs.Count == 0))
            throw new InputException($"BASE and NEW have no rendition in common (BASE: {string.Join(", ", sources.SelectMany(s => s.Base.Rungs).Select(r => r.Name).Distinct())}; " +
                $"NEW: {string.Join(", ", sources.SelectMany(s => s.New.Rungs).Select(r => r.Name).Distinct())})");

        var average = new List<(ScoreAt, double?)>();
        foreach (var mode in sources.SelectMany(s => s.Bd).Select(b => b.Mode).Distinct())
        {
            var values = sources.Select(s => s.Bd.FirstOrDefault(b => b.Mode == mode)?.Rate.Value).Where(v => v is not null).ToList();
            average.Add((mode, values.Count == 0 ? null : values.Average()));
        }
        return new ComparisonResult(options.Method, sources, average, unmatched, Failures(sources, average, options));
    }

    public static SourceComparison Compare(string name, LadderSummary b, LadderSummary n, BdMethod method)
    {
        var rungs = b.Rungs.Select(r => (Base: r, New: n.Rungs.FirstOrDefault(x => x.Name == r.Name))).Where(p => p.New is not null)
            .Select(p => (Base: p.Base, New: p.New!)).ToList();
        var bd = new List<ModeBd>();
        foreach (var mode in (ScoreAt[])[ScoreAt.Encode, ScoreAt.Source])
        {
            var points = rungs.Where(p => p.Base.Score(mode, "vmaf") is not null && p.New.Score(mode, "vmaf") is not null).ToList();
            if (points.Count == 0) continue;
            var bp = points.Select(p => new RatePoint(p.Base.Kbps, p.Base.Score(mode, "vmaf")!.Value.Mean)).ToList();
            var np = points.Select(p => new RatePoint(p.New.Kbps, p.New.Score(mode, "vmaf")!.Value.Mean)).ToList();
            bd.Add(new ModeBd(mode, BdRate.Rate(bp, np, method), BdRate.Quality(bp, np, method), points.Count));
        }
        return new SourceComparison(name, b, n, rungs, bd);
    }

    private static List<string> Failures(List<SourceComparison> sources, List<(ScoreAt Mode, double? BdRate)> average, CompareOptions o)
    {
        var failures = new List<string>();
        static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        static string ModeName(ScoreAt m) => m == ScoreAt.Source ? "source" : "encode";
        if (o.MaxBdRate is { } max)
        {
            if (average.All(a => a.BdRate is null))
            {
                var why = sources.SelectMany(s => s.Bd).Select(b => b.Rate.NotComputable).OfType<string>().Distinct().ToList();
                throw new InputException("--max-bdrate: BD-rate is not computable here (" +
                    (why.Count > 0 ? string.Join("; ", why) : "no rendition in common is scored with VMAF on both sides") + ")");
            }
            foreach (var (mode, v) in average)
                if (v > max) failures.Add($"BD-rate at {ModeName(mode)} {F(v.Value)} % is above --max-bdrate {F(max)} %");
        }
        foreach (var s in sources)
            foreach (var (b, n) in s.Rungs)
                foreach (var mode in (ScoreAt[])[ScoreAt.Encode, ScoreAt.Source])
                {
                    if (b.Score(mode, "vmaf") is not { } bv || n.Score(mode, "vmaf") is not { } nv) continue;
                    string where = $"{(s.Name == "" ? "" : s.Name + " ")}{b.Name} at {ModeName(mode)}";
                    if (o.MaxDrop is { } drop && bv.Mean - nv.Mean > drop)
                        failures.Add($"{where}: VMAF mean drops {F(bv.Mean - nv.Mean)} ({F(bv.Mean)} -> {F(nv.Mean)}), more than --max-drop {F(drop)}");
                    if (o.MaxP5Drop is { } p5 && bv.P5 - nv.P5 > p5)
                        failures.Add($"{where}: VMAF p5 drops {F(bv.P5 - nv.P5)} ({F(bv.P5)} -> {F(nv.P5)}), more than --max-p5-drop {F(p5)}");
                }
        return failures;
    }

    /// <summary>One side: a single run (key "") or a corpus, one run per subfolder (key: the subfolder's name).</summary>
    private static List<KeyValuePair<string, LadderSummary>> Sides(string path, ResultStore? store)
    {
        if (File.Exists(path) || File.Exists(Path.Combine(path, Results.Files.OutputFolder.SummaryName)))
            return [new("", LadderSummary.FromFiles(path))];
        if (Directory.Exists(path))
        {
            var runs = Directory.GetDirectories(path).Where(d => File.Exists(Path.Combine(d, Results.Files.OutputFolder.SummaryName)))
                .Order(StringComparer.Ordinal).Select(d => new KeyValuePair<string, LadderSummary>(Path.GetFileName(d), LadderSummary.FromFiles(d))).ToList();
            if (runs.Count == 0) throw new InputException($"{path}: no summary.json in it or in its subfolders");
            return runs;
        }
        if (store is not null) return [new("", LadderSummary.FromStore(store, path))];
        throw new InputException($"{path}: no such folder or file (a stored run id needs --store)");
    }
}
