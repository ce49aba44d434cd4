using EncodeQuality.Vmaf;

namespace EncodeQuality.Metrics;

/// <summary>
/// The metrics a run can compute, by the name users type (--metrics psnr,ssim,vmaf). A metric that
/// takes options is named with them as libvmaf's command line takes a feature's:
/// "cambi=full_ref=true:window_size=63". Engines living in other projects (VMAF) register here from
/// the composition root, so the pipeline never changes to take a new metric.
/// </summary>
public sealed class MetricCatalog
{
    private readonly Dictionary<string, Func<string?, ReferenceShare?, IFrameMetric>> _factories = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _takesOptions = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<int, int, string?>> _sizeRules = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<string?, int, int, ReferenceShare?, long>> _workingSets = new(StringComparer.OrdinalIgnoreCase);

    public static MetricCatalog WithBuiltIns()
    {
        var c = new MetricCatalog();
        c.Register("psnr", () => new PsnrMetric());
        c.Register("ssim", () => new SsimMetric(), SsimMetric.CannotScore);
        c.Register("ms_ssim", () => new MsSsimMetric(), MsSsimMetric.CannotScore);
        CambiMetric.Register(c);
        return c;
    }

    /// <param name="cannotScore">Why the metric cannot score pictures of a size (one plain sentence), or null; asked before any work.</param>
    /// <param name="workingSet">Bytes the metric holds for pictures of a size, as for <see cref="RegisterWithOptions"/>.</param>
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
        _factories[name] = (_, share) => factory(share);
        _takesOptions.Remove(name);
        SetSizeRule(name, cannotScore);
        if (workingSet is null) _workingSets.Remove(name);
        else _workingSets[name] = (_, w, h, share) => workingSet(w, h, share);
    }

    /// <summary>A metric whose factory takes the text after "name=" (null without); it throws <see cref="FormatException"/> for bad options.</summary>
    /// <param name="workingSet">
    /// Bytes the metric holds for pictures of a size with the given options, beyond the frames every
    /// comparison keeps (the pipeline's memory estimate counts those); null when it holds little.
    /// </param>
    public void RegisterWithOptions(string name, Func<string?, IFrameMetric> factory, Func<int, int, string?>? cannotScore = null,
        Func<string?, int, int, long>? workingSet = null)
    {
        _factories[name] = (options, _) => factory(options);
        _takesOptions.Add(name);
        SetSizeRule(name, cannotScore);
        if (workingSet is null) _workingSets.Remove(name);
        else _workingSets[name] = (options, w, h, _) => workingSet(options, w, h);
    }

    private void SetSizeRule(string name, Func<int, int, string?>? cannotScore)
    {
        if (cannotScore is null) _sizeRules.Remove(name);
        else _sizeRules[name] = cannotScore;
    }

    public IReadOnlyCollection<string> Names => _factories.Keys;

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
            if (!_factories.TryGetValue(name, out var factory))
                throw new InputException($"--metrics: unknown metric '{name}' (available: {string.Join(", ", _factories.Keys)})");
            if (options is null) continue;
            if (!_takesOptions.Contains(name)) throw new InputException($"--metrics: {name} takes no options");
            using var check = Build(name, options, null, factory); // options are refused here, before any work
        }
        return entries;
    }

    /// <summary>
    /// The metrics of one stream; <paramref name="share"/> is the share of reference-only work
    /// with the other streams scored against the same reference frames at this size, or null.
    /// </summary>
    public IFrameMetric[] Create(IReadOnlyList<string> entries, ReferenceShare? share = null) =>
        [.. entries.Select(e => Split(e) is var (name, options) ? Build(name, options, share, _factories[name]) : null!)];

    private static IFrameMetric Build(string name, string? options, ReferenceShare? share, Func<string?, ReferenceShare?, IFrameMetric> factory)
    {
        try { return factory(options, share); }
        catch (FormatException e) { throw new InputException($"--metrics {name}: {e.Message}"); }
    }

    private static (string Name, string? Options) Split(string entry)
    {
        int eq = entry.IndexOf('=');
        return eq < 0 ? (entry, null) : (entry[..eq].Trim(), entry[(eq + 1)..]);
    }

    /// <summary>
    /// What one stream's metrics hold for pictures of a size beyond the common frames, for the
    /// memory estimate; with a <paramref name="share"/>, its part of what the share's streams hold.
    /// </summary>
    public long WorkingSet(IReadOnlyList<string> entries, int width, int height, ReferenceShare? share = null) =>
        entries.Sum(e => Split(e) is var (name, options) && _workingSets.TryGetValue(name, out var bytes) ? bytes(options, width, height, share) : 0L);

    /// <summary>Refuses (an input error, before any work) pictures of a size one of the metrics cannot score.</summary>
    public void CheckSize(IReadOnlyList<string> entries, int width, int height, string what)
    {
        foreach (var e in entries)
            if (_sizeRules.TryGetValue(Split(e).Name, out var rule) && rule(width, height) is { } why) throw new InputException($"{what}: {why}");
    }
}
