using EncodeQuality.Decisions;
using Serilog;
using EncodeQuality.Model;

namespace EncodeQuality.Cli;

/// <summary>What a finished run's quality decisions mean for the user: log lines, and exit 3 when one that must pass failed.</summary>
public static class Verdict
{
    public static void Report(RunOutcome run, ILogger log)
    {
        foreach (var c in run.Checks)
        {
            if (c.Result == CheckResult.Failed) log.Warning("{Kind} failed: {Message}", c.Kind, c.Message);
            else if (c.Result == CheckResult.Skipped) log.Information("{Message}", c.Message);
            else log.Debug("{Kind} passed: {Message}", c.Kind, c.Message);
        }
        var failed = run.Checks.Where(c => c.Fatal && c.Result == CheckResult.Failed).ToList();
        if (failed.Count > 0)
            throw new QualityFailedException($"quality check failed ({failed.Count}): {string.Join("; ", failed.Select(c => c.Message))}; " +
                "the run is complete and recorded");
    }
}
