using System.Globalization;
using System.Text.RegularExpressions;
using EncodeQuality.Model;

namespace EncodeQuality.Decisions.Gates;

/// <summary>
/// A quality gate: renditions (a name, a glob, or all), a metric, a pooled statistic, a bound and
/// optionally a score-at mode. Written inline as [RENDITION:]METRIC.STAT(&gt;=|&lt;=)NUMBER[@encode|@source],
/// e.g. "vmaf.p5&gt;=70" or "1080p:vmaf.mean&gt;=93@source".
/// </summary>
public sealed partial record Gate(string Renditions, string Metric, string Statistic, bool AtLeast, double Bound, ScoreAt? Mode)
{
    /// <summary>The short names users type for the features they mean.</summary>
    private static readonly Dictionary<string, string> Aliases = new()
    {
        ["psnr"] = "psnr_y", ["ssim"] = "float_ssim", ["ms_ssim"] = "float_ms_ssim",
    };

    public string Rule => $"{(Renditions == "*" ? "" : Renditions + ":")}{Metric}.{Statistic}{(AtLeast ? ">=" : "<=")}" +
        $"{Bound.ToString(CultureInfo.InvariantCulture)}{(Mode is { } m ? "@" + (m == ScoreAt.Source ? "source" : "encode") : "")}";

    // VMAF's own score and the features its extractors write, as libvmaf names them (with option suffixes).
    private static readonly string[] VmafFeaturePrefixes = ["integer_", "vif", "adm", "aim", "motion", "speed_chroma"];

    /// <summary>
    /// The --metrics names that write the gate's feature (any one will do; a CAMBI feature with
    /// options may come from the cambi metric or from a VMAF model that reads it); none when no
    /// metric writes a feature of that name.
    /// </summary>
    public IReadOnlyList<string> MetricFamilies => Metric switch
    {
        _ when Metric.StartsWith("psnr", StringComparison.Ordinal) => ["psnr"],
        "float_ssim" => ["ssim"],
        "float_ms_ssim" => ["ms_ssim"],
        "cambi" or "cambi_source" or "cambi_full_reference" => ["cambi"],
        _ when Metric.StartsWith("cambi_", StringComparison.Ordinal) => ["cambi", "vmaf"],
        _ when Metric == "vmaf" || VmafFeaturePrefixes.Any(p => Metric.StartsWith(p, StringComparison.Ordinal)) => ["vmaf"],
        _ => [],
    };

    public bool AppliesTo(string rendition) =>
        Renditions is "*" or "all" || System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(Renditions, rendition, ignoreCase: false);

    public bool Holds(double measured) => AtLeast ? measured >= Bound : measured <= Bound;

    [GeneratedRegex(@"^\s*(?:(?<r>[^\s][^:]*?)\s*:)?\s*(?<m>[A-Za-z0-9_]+)\.(?<s>[a-z0-9_]+)\s*(?<op>>=|<=)\s*(?<v>[-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(?:@(?<mode>[a-z]+))?\s*$")]
    private static partial Regex Syntax();

    /// <summary>Reads an inline gate; a malformed one is an input error naming it.</summary>
    public static Gate Parse(string text)
    {
        var m = Syntax().Match(text);
        if (!m.Success)
            throw new InputException($"gate '{text}': expected [RENDITION:]METRIC.STAT>=NUMBER (or <=), optionally @encode or @source, e.g. '1080p:vmaf.p5>=70'");
        string metric = m.Groups["m"].Value;
        metric = Aliases.GetValueOrDefault(metric, metric);
        string stat = m.Groups["s"].Value;
        if (!PooledStatistic.Names.Contains(stat))
            throw new InputException($"gate '{text}': no statistic '{stat}' (one of {string.Join(", ", PooledStatistic.Names)})");
        ScoreAt? mode = m.Groups["mode"].Success
            ? m.Groups["mode"].Value switch
            {
                "encode" => ScoreAt.Encode,
                "source" => ScoreAt.Source,
                var other => throw new InputException($"gate '{text}': '@{other}' is not a score-at mode (@encode or @source)"),
            }
            : null;
        string renditions = m.Groups["r"].Success ? m.Groups["r"].Value : "*";
        double bound = double.Parse(m.Groups["v"].Value, CultureInfo.InvariantCulture);
        if (!double.IsFinite(bound)) throw new InputException($"gate '{text}': {m.Groups["v"].Value} is beyond what a double holds");
        return new Gate(renditions, metric, stat, m.Groups["op"].Value == ">=", bound, mode);
    }
}
