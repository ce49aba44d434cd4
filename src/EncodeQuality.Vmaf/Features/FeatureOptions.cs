using System.Globalization;

namespace EncodeQuality.Vmaf.Features;

/// <summary>
/// One option an extractor accepts: libvmaf's name, the alias it writes in feature names, the
/// default, and the range libvmaf accepts. A string option with fixed values (an EOTF) is held as
/// the index of its value in <see cref="Choices"/>. <see cref="InName"/> is false for options that
/// change what is computed but not the feature's name (libvmaf's options without FEATURE_PARAM).
/// </summary>
internal sealed record OptionSpec(string Name, string Alias, double Default, bool IsBool = false,
    double Min = double.MinValue, double Max = double.MaxValue, string[]? Choices = null, bool InName = true);

/// <summary>
/// The options a model sets for one extractor (its feature_opts_dicts entry), checked against what
/// the extractor accepts, and the suffix libvmaf appends to the feature names when options differ
/// from their defaults (feature_name.c: options sorted by name, "_alias_value" with %g, "_alias"
/// for a true bool), so "integer_adm2" with a gain limit of 1 is written "integer_adm2_egl_1".
/// </summary>
internal sealed class FeatureOptions
{
    private readonly Dictionary<string, double> _values;
    private readonly IReadOnlyList<OptionSpec> _specs;

    private FeatureOptions(Dictionary<string, double> values, IReadOnlyList<OptionSpec> specs, string suffix)
    {
        _values = values;
        _specs = specs;
        Suffix = suffix;
    }

    public string Suffix { get; }

    public double this[string name] => _values[name];

    public bool Flag(string name) => _values[name] != 0;

    /// <summary>A choice option's value as text.</summary>
    public string Choice(string name) => _specs.First(s => s.Name == name).Choices![(int)_values[name]];

    /// <summary>Whether the option was left at its default.</summary>
    public bool IsDefault(string name) => _values[name] == _specs.First(s => s.Name == name).Default;

    /// <summary>
    /// Options as libvmaf's dictionaries hold them, every value as text (a model's numbers as
    /// written, true/false, a choice's name), each read by its option's type and range-checked.
    /// </summary>
    public static FeatureOptions From(IReadOnlyDictionary<string, string> given, IReadOnlyList<OptionSpec> specs, string feature)
    {
        var values = specs.ToDictionary(s => s.Name, s => s.Default);
        foreach (var (key, text) in given)
        {
            var spec = Find(specs, key, feature);
            double value = Read(spec, text, feature);
            // libvmaf checks a value it is given against the option's range (opt.c).
            if (value < spec.Min || value > spec.Max)
                throw new FormatException($"feature {feature} option {spec.Name} is {FormatG(value)}; it takes {FormatG(spec.Min)} to {FormatG(spec.Max)}");
            values[spec.Name] = value;
        }
        var suffix = string.Concat(specs.Where(s => s.InName && values[s.Name] != s.Default).OrderBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => s.IsBool ? (values[s.Name] != 0 ? "_" + s.Alias : "")
                : s.Choices is { } c ? $"_{s.Alias}_{c[(int)values[s.Name]]}"
                : $"_{s.Alias}_{FormatG(values[s.Name])}"));
        return new FeatureOptions(values, specs, suffix);
    }

    /// <summary>
    /// Options as text, libvmaf's command-line way: "name=value:name=value" (names or aliases;
    /// true/false for bools, the value's name for a choice).
    /// </summary>
    public static FeatureOptions Parse(string? text, IReadOnlyList<OptionSpec> specs, string feature)
    {
        var given = new Dictionary<string, string>();
        foreach (var pair in (text ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0) throw new FormatException($"{feature} option '{pair}' is not NAME=VALUE");
            given[Find(specs, pair[..eq], feature).Name] = pair[(eq + 1)..];
        }
        return From(given, specs, feature);
    }

    /// <summary>One value by its option's type: true/false (or 1/0) for a bool, a name for a choice, else a number.</summary>
    private static double Read(OptionSpec spec, string value, string feature) =>
        spec.IsBool
            ? value switch { "true" or "1" => 1, "false" or "0" => 0, _ => throw new FormatException($"{feature} option {spec.Name} is true or false, not '{value}'") }
            : spec.Choices is { } choices
                ? Array.IndexOf(choices, value) is var i and >= 0 ? i
                    : throw new FormatException($"{feature} option {spec.Name} is one of {string.Join(", ", choices)}, not '{value}'")
                : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
                    : throw new FormatException($"{feature} option {spec.Name} takes a number, not '{value}'");

    private static OptionSpec Find(IReadOnlyList<OptionSpec> specs, string key, string feature) =>
        specs.FirstOrDefault(s => s.Name == key || s.Alias == key)
        ?? throw new FormatException($"feature {feature} has no option '{key}' (it takes {string.Join(", ", specs.Select(s => s.Name))})");

    /// <summary>C's %g: six significant digits, no trailing zeros.</summary>
    internal static string FormatG(double v) => v.ToString("G6", CultureInfo.InvariantCulture).Replace("E", "e");
}
