using System.Globalization;
using EncodeQuality.Model;

namespace EncodeQuality.Decisions.Gates;

/// <summary>Checks gates against a run before it starts (what can be known then) and on the finished run.</summary>
public static class GateCheck
{
    public const string Kind = "gate";

    /// <summary>
    /// Refuses, before any work, gates the run cannot measure: a feature no metric writes, a metric not in --metrics, a mode
    /// not scored, a rendition named that the ladder does not have (when its rendition names are known).
    /// </summary>
    public static void Validate(IReadOnlyList<Gate> gates, IReadOnlyList<string> metrics, ScoreAt scoreAt, IReadOnlyList<string>? renditions)
    {
        foreach (var g in gates)
        {
            var families = g.MetricFamilies;
            if (families.Count == 0)
                throw new InputException($"gate '{g.Rule}': no metric writes '{g.Metric}' (vmaf and its features, psnr_y, psnr_cb, psnr_cr, " +
                    "psnr_avg_611, float_ssim, float_ms_ssim, cambi)");
            // A metric given with options ("cambi=full_ref=true") counts by its name.
            if (!families.Any(f => metrics.Any(m => m.Split('=', 2)[0].Equals(f, StringComparison.OrdinalIgnoreCase))))
                throw new InputException($"gate '{g.Rule}': {g.Metric} needs --metrics to include {string.Join(" or ", families)}");
            if (g.Mode is { } mode && !scoreAt.HasFlag(mode))
                throw new InputException($"gate '{g.Rule}': this run does not score at {(mode == ScoreAt.Source ? "source" : "encode")} (--score-at)");
            if (renditions is not null && !renditions.Any(g.AppliesTo))
                throw new InputException($"gate '{g.Rule}': no rendition of the ladder matches '{g.Renditions}'");
        }
    }

    /// <summary>Every gate on every rendition and score-at mode it applies to; failures are fatal.</summary>
    public static IEnumerable<Check> Evaluate(IReadOnlyList<Gate> gates, RunOutcome run)
    {
        foreach (var g in gates)
        {
            if (!run.Run.Sampled)
            {
                yield return new Check(Kind, g.Rule, null, g.Mode, null, g.Bound, CheckResult.Skipped, false, $"{g.Rule}: skipped, the run was not sampled for scoring");
                continue;
            }
            var matched = run.Renditions.Where(r => g.AppliesTo(r.Facts.Name)).ToList();
            if (matched.Count == 0)
                yield return new Check(Kind, g.Rule, null, g.Mode, null, g.Bound, CheckResult.Skipped, false,
                    $"{g.Rule}: skipped, no rendition of this run matches '{g.Renditions}'");
            foreach (var r in matched)
                foreach (var set in r.Scores.Where(s => g.Mode is null || s.Mode == g.Mode))
                {
                    string where = $"{r.Facts.Name} {g.Metric}.{g.Statistic} at {set.ModeName}";
                    if (!set.Pooled.TryGetValue(g.Metric, out var pooled))
                    {
                        // The metric family was scored (checked before the run), so the name is not one of its features.
                        yield return new Check(Kind, g.Rule, r.Facts.Name, set.Mode, null, g.Bound, CheckResult.Failed, true,
                            $"{where}: not measured (features: {string.Join(", ", set.Metrics)})");
                        continue;
                    }
                    double measured = PooledStatistic.Of(pooled, g.Statistic);
                    bool ok = g.Holds(measured);
                    string text = string.Create(CultureInfo.InvariantCulture,
                        $"{where}: {measured:0.###} {(ok ? "meets" : "fails")} {(g.AtLeast ? ">=" : "<=")} {g.Bound}");
                    yield return new Check(Kind, g.Rule, r.Facts.Name, set.Mode, measured, g.Bound, ok ? CheckResult.Passed : CheckResult.Failed, true, text);
                }
        }
    }
}
