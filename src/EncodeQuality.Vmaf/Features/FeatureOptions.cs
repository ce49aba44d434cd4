using System.Globalization;

namespace EncodeQuality.Vmaf.Features;

/// <summary>One option an extractor accepts: libvmaf's name, the alias it writes in feature names, the default.</summary>
internal sealed record OptionSpec(string Name, string Alias, double Default, bool IsBool = false);

/// <summary>
/// The options a model sets for one extractor (its feature_opts_dicts entry), checked against what
/// the extractor accepts, and the suffix libvmaf appends to the feature names when options differ
/// from their defaults (feature_name.c: options sorted by name, "_alias_value" with %g, "_alias"
/// for a true bool), so "integer_adm2" with a gain limit of 1 is written "integer_adm2_egl_1".
/// </summary>
internal sealed class FeatureOptions
{
    private readonly Dictionary<string, double> _values;

    private FeatureOptions(Dictionary<string, double> values, string suffix)
    {
        _values = values;
        Suffix = suffix;
    }

    public string Suffix { get; }

    public double this[string name] => _values[name];

    public bool Flag(string name) => _values[name] != 0;

    public static FeatureOptions From(IReadOnlyDictionary<string, double> given, IReadOnlyList<OptionSpec> specs, string feature)
    {
        var values = specs.ToDictionary(s => s.Name, s => s.Default);
        foreach (var (key, value) in given)
        {
            var spec = specs.FirstOrDefault(s => s.Name == key || s.Alias == key)
                ?? throw new FormatException($"feature {feature} has no option '{key}' (it takes {string.Join(", ", specs.Select(s => s.Name))})");
            values[spec.Name] = value;
        }
        var suffix = string.Concat(specs.Where(s => values[s.Name] != s.Default).OrderBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => s.IsBool ? (values[s.Name] != 0 ? "_" + s.Alias : "") : $"_{s.Alias}_{FormatG(values[s.Name])}"));
        return new FeatureOptions(values, suffix);
    }

    /// <summary>C's %g: six significant digits, no trailing zeros.</summary>
    internal static string FormatG(double v) => v.ToString("G6", CultureInfo.InvariantCulture).Replace("E", "e");
}
