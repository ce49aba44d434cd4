using System.Globalization;
using EncodeQuality.Model;

namespace EncodeQuality.Decisions.Ladder;

/// <param name="InversionTolerance">How far (VMAF) a smaller rung may score above a bigger one before it counts as an inversion.</param>
/// <param name="KneeGain">The least VMAF a step up should gain per doubling of bitrate.</param>
/// <param name="Fatal">Failures fail the run (exit 3) instead of warning.</param>
public sealed record LadderCheckOptions(double InversionTolerance = 0.5, double KneeGain = 1.0, bool Fatal = false);

/// <summary>
/// Checks of a ladder's shape, made in every encode run. Rungs are compared within one codec (an
/// x265 rung below an x264 one in bitrate is a codec's gain, not a fault), by source-scaled VMAF
/// so that rungs of different sizes are comparable:
/// - inversion: a rung with fewer pixels (or, at equal size, fewer bits) scores at or above a bigger
///   one, beyond the tolerance;
/// - bitrate order: a rung with more pixels was encoded with fewer bits;
/// - knee: a step up in bitrate gains less than the given VMAF per doubling of bitrate.
/// </summary>
public static class LadderChecks
{
    public const string Inversion = "inversion", BitrateOrder = "bitrate_order", Knee = "knee";

    public static IEnumerable<Check> Evaluate(RunOutcome run, LadderCheckOptions options)
    {
        var checks = new List<Check>();
        foreach (var group in run.Renditions.GroupBy(r => r.Facts.Codec))
        {
            var rungs = group.OrderBy(r => Pixels(r)).ThenBy(r => r.Facts.BitrateKbps).ToList();
            if (rungs.Count < 2) continue;
            checks.AddRange(BitrateOrderOf(rungs, options));
            checks.AddRange(InversionsOf(rungs, group.Key, run.Run.Sampled, options));
            checks.AddRange(KneesOf(rungs, group.Key, run.Run.Sampled, options));
        }
        return checks;
    }

    private static long Pixels(RenditionOutcome r) => (long)r.Facts.Width * r.Facts.Height;

    private static double? SourceVmaf(RenditionOutcome r) =>
        r.At(ScoreAt.Source)?.Pooled.TryGetValue("vmaf", out var p) == true ? p.Mean : null;

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static IEnumerable<Check> BitrateOrderOf(List<RenditionOutcome> rungs, LadderCheckOptions o)
    {
        for (int i = 1; i < rungs.Count; i++)
        {
            var (small, big) = (rungs[i - 1].Facts, rungs[i].Facts);
            if ((long)small.Width * small.Height == (long)big.Width * big.Height) continue;
            bool ok = big.BitrateKbps >= small.BitrateKbps;
            yield return new Check(BitrateOrder, $"{big.Name} has at least the bits of {small.Name}", big.Name, null, big.BitrateKbps, small.BitrateKbps,
                ok ? CheckResult.Passed : CheckResult.Failed, o.Fatal,
                $"bitrate order: {big.Name} ({big.Width}x{big.Height}) {F(big.BitrateKbps)} kbit/s {(ok ? ">=" : "<")} {small.Name} ({small.Width}x{small.Height}) {F(small.BitrateKbps)} kbit/s");
        }
    }

    private static IEnumerable<Check> InversionsOf(List<RenditionOutcome> rungs, string codec, bool sampled, LadderCheckOptions o)
    {
        string rule = $"no smaller {codec} rung scores above a bigger one by {F(o.InversionTolerance)} VMAF or more (source-scaled)";
        if (!sampled || rungs.Any(r => SourceVmaf(r) is null))
        {
            yield return new Check(Inversion, rule, null, ScoreAt.Source, null, o.InversionTolerance, CheckResult.Skipped, false,
                $"inversion ({codec}): skipped, it needs VMAF at --score-at source (or both){(sampled ? "" : "; the run was not sampled")}");
            yield break;
        }
        int found = 0;
        for (int i = 0; i < rungs.Count; i++)
            for (int j = i + 1; j < rungs.Count; j++)
            {
                var (small, big) = (rungs[i], rungs[j]);
                double excess = SourceVmaf(small)!.Value - SourceVmaf(big)!.Value;
                if (excess < o.InversionTolerance) continue;
                found++;
                yield return new Check(Inversion, rule, small.Facts.Name, ScoreAt.Source, excess, o.InversionTolerance, CheckResult.Failed, o.Fatal,
                    $"inversion: {small.Facts.Name} ({small.Facts.Width}x{small.Facts.Height}, {F(small.Facts.BitrateKbps)} kbit/s) scores " +
                    $"{F(SourceVmaf(small)!.Value)}, {big.Facts.Name} ({big.Facts.Width}x{big.Facts.Height}, {F(big.Facts.BitrateKbps)} kbit/s) {F(SourceVmaf(big)!.Value)}");
            }
        if (found == 0)
            yield return new Check(Inversion, rule, null, ScoreAt.Source, null, o.InversionTolerance, CheckResult.Passed, o.Fatal,
                $"inversion ({codec}): none among {rungs.Count} rungs");
    }

    private static IEnumerable<Check> KneesOf(List<RenditionOutcome> rungs, string codec, bool sampled, LadderCheckOptions o)
    {
        if (!sampled || rungs.Any(r => SourceVmaf(r) is null)) yield break; // the inversion check already says why
        var byRate = rungs.OrderBy(r => r.Facts.BitrateKbps).ToList();
        for (int i = 1; i < byRate.Count; i++)
        {
            var (low, high) = (byRate[i - 1], byRate[i]);
            double doublings = Math.Log2(high.Facts.BitrateKbps / low.Facts.BitrateKbps);
            if (doublings <= 0) continue;
            double gain = (SourceVmaf(high)!.Value - SourceVmaf(low)!.Value) / doublings;
            bool ok = gain >= o.KneeGain;
            yield return new Check(Knee, $"each step up gains at least {F(o.KneeGain)} VMAF per doubling of bitrate", high.Facts.Name, ScoreAt.Source,
                gain, o.KneeGain, ok ? CheckResult.Passed : CheckResult.Failed, o.Fatal,
                $"knee: {low.Facts.Name} -> {high.Facts.Name} ({F(low.Facts.BitrateKbps)} -> {F(high.Facts.BitrateKbps)} kbit/s) gains {F(gain)} VMAF per doubling");
        }
    }
}
