using System.Diagnostics;

namespace EncodeQuality.Tests.Support;

/// <summary>Runs the real eq command line (eq.dll beside the tests) and captures what a user sees.</summary>
public static class EqProcess
{
    public sealed record Outcome(int ExitCode, string StdOut, string StdErr)
    {
        /// <summary>The error lines eq wrote (log lines start with '[').</summary>
        public string[] Errors => StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("eq: error:")).ToArray();
    }

    public static Outcome Run(params string[] args) => RunWith(new Dictionary<string, string?>(), args);

    /// <summary>Runs eq with extra environment variables (null removes one).</summary>
    public static Outcome RunWith(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "eq.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(true);
            throw new TimeoutException($"eq {string.Join(' ', args)} hung");
        }
        // A run that committed (exit 0, or 3 for a failed gate) wrote a summary: it must match the published schema.
        int outAt = Array.IndexOf(args, "--out");
        if (p.ExitCode is 0 or 3 && outAt >= 0 && outAt + 1 < args.Length) SummarySchema.CheckFolder(args[outAt + 1]);
        return new Outcome(p.ExitCode, output, err.Result);
    }
}
