namespace EncodeQuality.Metrics;

/// <summary>
/// The metrics a run can compute, by the name users type (--metrics psnr,ssim,vmaf). Engines
/// living in other projects (VMAF) register here from the composition root, so the pipeline
/// never changes to take a new metric.
/// </summary>
public sealed class MetricCatalog
{
    private readonly Dictionary<string, Func<IFrameMetric>> _factories = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<int, int, string?>> _sizeRules = new(StringComparer.OrdinalIgnoreCase);

    public static MetricCatalog WithBuiltIns()
    {
        var c = new MetricCatalog();
        c.Register("psnr", () => new PsnrMetric());
        c.Register("ssim", () => new SsimMetric(), SsimMetric.CannotScore);
        c.Register("ms_ssim", () => new MsSsimMetric(), MsSsimMetric.CannotScore);
        c.Register("cambi", () => new CambiMetric(new Vmaf.Features.Cambi.CambiSettings()), CambiMetric.CannotScore);
        return c;
    }

    /// <param name="cannotScore">Why the metric cannot score pictures of a size (one plain sentence), or null; asked before any work.</param>
    public void Register(string name, Func<IFrameMetric> factory, Func<int, int, string?>? cannotScore = null)
    {
        _factories[name] = factory;
        if (cannotScore is null) _sizeRules.Remove(name);
        else _sizeRules[name] = cannotScore;
    }

    public IReadOnlyCollection<string> Names => _factories.Keys;

    /// <summary>Checks a comma-separated list; returns the names in order, without repeats. "none": encode only.</summary>
    public IReadOnlyList<string> Parse(string list)
    {
        if (list.Trim() == "none") return [];
        var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (names.Count == 0) throw new InputException("--metrics: name at least one metric");
        foreach (var n in names)
            if (!_factories.ContainsKey(n))
                throw new InputException($"--metrics: unknown metric '{n}' (available: {string.Join(", ", _factories.Keys)})");
        return names;
    }

    public IFrameMetric[] Create(IReadOnlyList<string> names) => names.Select(n => _factories[n]()).ToArray();

    /// <summary>Refuses (an input error, before any work) pictures of a size one of the metrics cannot score.</summary>
    public void CheckSize(IReadOnlyList<string> names, int width, int height, string what)
    {
        foreach (var n in names)
            if (_sizeRules.TryGetValue(n, out var rule) && rule(width, height) is { } why) throw new InputException($"{what}: {why}");
    }
}
