using EncodeQuality.Vmaf;

namespace EncodeQuality.Metrics;

/// <summary>
/// The metrics a run can compute, by the name users type (--metrics psnr,ssim,vmaf). A metric that
/// takes options is named with them as libvmaf's command line takes a feature's:
/// "cambi=full_ref=true:window_size=63". The metrics made of feature extractors (psnr, ssim,
/// ms_ssim, cambi, speed_chroma) come from the one extractor list (<see cref="FeatureScorer.Metrics"/>)
/// and a stream's are scored together by one <see cref="ExtractorMetric"/>; VMAF, whose engine is
/// chosen per run, registers here from the composition root, so the pipeline never changes to
/// take a new metric.
/// </summary>
public sealed class MetricCatalog
{
    private int _extractorThreads = 1;
    private readonly Dictionary<string, Func<ReferenceShare?, IFrameMetric>> _factories = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<int, int, string?>> _sizeRules = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<int, int, ReferenceShare?, long>> _workingSets = new(StringComparer.OrdinalIgnoreCase);
    // Metrics that can score the stream's extractor metrics on their own frame workers (VMAF's).
    private readonly Dictionary<string, Host> _hosts = new(StringComparer.OrdinalIgnoreCase);

    private sealed record Host(Func<ReferenceShare?, IReadOnlyList<(string Metric, string? Options)>, IFrameMetric> Create,
        Func<int, int, ReferenceShare?, IReadOnlyList<(string Metric, string? Options)>, long>? WorkingSet);

    /// <summary>The extractor metrics (VMAF registers itself: <see cref="VmafMetric.Use"/>).</summary>
    public static MetricCatalog WithBuiltIns() => new();

    /// <summary>Threads a stream's extractor metrics score frames on, side by side (default 1).</summary>
    public void UseThreads(int threads) => _extractorThreads = Math.Max(1, threads);

    private bool IsExtractor(string name) =>
        !_factories.ContainsKey(name) && FeatureScorer.Metrics.Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <param name="cannotScore">Why the metric cannot score pictures of a size (one plain sentence), or null; asked before any work.</param>
    /// <param name="workingSet">Bytes the metric holds for pictures of a size, beyond the frames every comparison keeps (the pipeline's memory estimate counts those); null when it holds little.</param>
    public void Register(string name, Func<IFrameMetric> factory, Func<int, int, string?>? cannotScore = null,
        Func<int, int, long>? workingSet = null) =>
        Register(name, _ => factory(), cannotScore, workingSet is null ? null : (w, h, _) => workingSet(w, h));

    /// <summary>
    /// A metric that can share work reading only the reference with the other streams of a
    /// <see cref="ReferenceShare"/> (its factory gets the run's share, or null).
    /// </summary>
    /// <param name="workingSet">Bytes for pictures of a size, its part of what the streams of a share hold included (null: alone).</param>
    public void Register(string name, Func<ReferenceShare?, IFrameMetric> factory, Func<int, int, string?>? cannotScore = null,
        Func<int, int, ReferenceShare?, long>? workingSet = null)
    {
        _factories[name] = factory;
        _hosts.Remove(name);
        SetSizeRule(name, cannotScore);
        if (workingSet is null) _workingSets.Remove(name);
        else _workingSets[name] = workingSet;
    }

    /// <summary>
    /// A metric that can also score the stream's extractor metrics (psnr, ssim) on its own frame
    /// workers, given them when it is made; when it is named, no <see cref="ExtractorMetric"/> is made.
    /// </summary>
    public void RegisterHost(string name, Func<ReferenceShare?, IReadOnlyList<(string Metric, string? Options)>, IFrameMetric> factory,
        Func<int, int, string?>? cannotScore = null, Func<int, int, ReferenceShare?, IReadOnlyList<(string Metric, string? Options)>, long>? workingSet = null)
    {
        Register(name, share => factory(share, []), cannotScore, workingSet is null ? null : (w, h, share) => workingSet(w, h, share, []));
        _hosts[name] = new Host(factory, workingSet);
    }

    private void SetSizeRule(string name, Func<int, int, string?>? cannotScore)
    {
        if (cannotScore is null) _sizeRules.Remove(name);
        else _sizeRules[name] = cannotScore;
    }

    public IReadOnlyCollection<string> Names => [.. _factories.Keys, .. FeatureScorer.Metrics.Where(IsExtractor)];

    /// <summary>
    /// Checks a comma-separated list, options included; returns the entries in order, without
    /// repeats. "none": encode only.
    /// </summary>
    public IReadOnlyList<string> Parse(string list)
    {
        if (list.Trim() == "none") return [];
        var entries = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (entries.Count == 0) throw new InputException("--metrics: name at least one metric");
        foreach (var e in entries)
        {
            var (name, options) = Split(e);
            if (IsExtractor(name))
            {
                if (options is not null && !FeatureScorer.TakesOptions(name)) throw new InputException($"--metrics: {name} takes no options");
                try { FeatureScorer.Check([(name, options)]); } // options are refused here, before any work
                catch (FormatException x) { throw new InputException($"--metrics {name}: {x.Message}"); }
                continue;
            }
            if (!_factories.ContainsKey(name))
                throw new InputException($"--metrics: unknown metric '{name}' (available: {string.Join(", ", Names)})");
            if (options is not null) throw new InputException($"--metrics: {name} takes no options");
        }
        return entries;
    }

    /// <summary>
    /// The metrics of one stream; <paramref name="share"/> is the share of reference-only work
    /// with the other streams scored against the same reference frames at this size, or null.
    /// </summary>
    public IFrameMetric[] Create(IReadOnlyList<string> entries, ReferenceShare? share = null)
    {
        var metrics = new List<IFrameMetric>();
        var extractors = Extractors(entries);
        string? host = HostOf(entries, extractors);
        foreach (var (name, _) in entries.Select(Split))
            if (string.Equals(name, host, StringComparison.OrdinalIgnoreCase))
            {
                metrics.Add(_hosts[name].Create(share, extractors));
                extractors = [];
            }
            else if (!IsExtractor(name)) metrics.Add(_factories[name](share));
            else if (extractors.Count > 0 && host is null)
            {
                // All of a stream's extractor metrics in one, where the first of them was named.
                metrics.Add(new ExtractorMetric(extractors, _extractorThreads));
                extractors = [];
            }
        return [.. metrics];
    }

    private List<(string Metric, string? Options)> Extractors(IReadOnlyList<string> entries) =>
        [.. entries.Select(Split).Where(e => IsExtractor(e.Name))];

    /// <summary>The named metric that scores the extractor metrics too, when there are any: the first host named, or null.</summary>
    private string? HostOf(IReadOnlyList<string> entries, List<(string Metric, string? Options)> extractors) =>
        extractors.Count == 0 ? null : entries.Select(e => Split(e).Name).FirstOrDefault(_hosts.ContainsKey);

    private static (string Name, string? Options) Split(string entry)
    {
        int eq = entry.IndexOf('=');
        return eq < 0 ? (entry, null) : (entry[..eq].Trim(), entry[(eq + 1)..]);
    }

    /// <summary>
    /// What one stream's metrics hold for pictures of a size beyond the common frames, for the
    /// memory estimate; with a <paramref name="share"/>, its part of what the share's streams hold.
    /// </summary>
    public long WorkingSet(IReadOnlyList<string> entries, int width, int height, ReferenceShare? share = null)
    {
        var extractors = Extractors(entries);
        string? host = HostOf(entries, extractors);
        return entries.Select(e => Split(e).Name).Sum(name =>
                string.Equals(name, host, StringComparison.OrdinalIgnoreCase) ? _hosts[name].WorkingSet?.Invoke(width, height, share, extractors) ?? 0
                : _workingSets.TryGetValue(name, out var bytes) ? bytes(width, height, share) : 0L)
            + (extractors.Count > 0 && host is null ? FeatureScorer.WorkingSet(extractors, width, height, _extractorThreads) : 0);
    }

    /// <summary>Refuses (an input error, before any work) pictures of a size one of the metrics cannot score.</summary>
    public void CheckSize(IReadOnlyList<string> entries, int width, int height, string what)
    {
        foreach (var e in entries)
            if (_sizeRules.TryGetValue(Split(e).Name, out var rule) && rule(width, height) is { } why) throw new InputException($"{what}: {why}");
        if (Extractors(entries) is { Count: > 0 } extractors && FeatureScorer.TooSmall(extractors, width, height) is { } tooSmall)
            throw new InputException($"{what}: {tooSmall}");
    }
}
