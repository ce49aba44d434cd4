using System.CommandLine;
using EncodeQuality.Native;
using EncodeQuality.Model;

namespace EncodeQuality.Cli.Commands;

/// <summary>Options more than one command takes.</summary>
public static class SharedOptions
{
    public static Option<string?> LogJson() => new("--log-json") { Description = "Also write structured log events (JSON lines) to this file" };
    public static Option<bool> Verbose() => new("--verbose", "-v") { Description = "Debug logging and stack traces on failure" };
    public static readonly string DefaultMetrics = string.Join(",", EncodeQuality.Pipeline.EncodeRequest.DefaultMetrics);

    public static Option<string> Metrics() => new("--metrics")
    {
        Description = $"Comma-separated metrics: vmaf, {string.Join(", ", EncodeQuality.Vmaf.FeatureScorer.Metrics)}; options as libvmaf takes them, cambi=full_ref=true:window_size=63 (none: encode only; default {DefaultMetrics})",
        DefaultValueFactory = _ => DefaultMetrics,
    };
    public static Option<string> VmafEngine()
    {
        var o = new Option<string>("--vmaf-engine")
        {
            Description = "VMAF engine: auto (libvmaf when it loads, else managed), managed, libvmaf",
            DefaultValueFactory = _ => "auto",
        };
        o.AcceptOnlyFromAmong("auto", "managed", "libvmaf");
        return o;
    }

    /// <summary>--vmaf-model everywhere; eq vmaf users may know it as libvmaf's --model, kept as an alias.</summary>
    public static Option<string?> VmafModel() => new("--vmaf-model", "--model")
    {
        Description = "VMAF model: a name (vmaf_v0.6.1, vmaf_float_v0.6.1, vmaf_4k_v0.6.1, ...neg) or a libvmaf JSON model file (default vmaf_v0.6.1)",
    };

    /// <summary>Registers "vmaf" with the command's engine choice; the engine chosen is logged once.</summary>
    public static void UseVmaf(EncodeQuality.Metrics.MetricCatalog catalog, string engine, string? model,
        EncodeQuality.Vmaf.VmafOptions options, Serilog.ILogger log) =>
        EncodeQuality.Metrics.VmafMetric.Use(catalog, engine, model, options, m => log.Information("{VmafEngine}", m));

    /// <summary>A committed run: an output folder, or a stored run id read from --store.</summary>
    public static RunOutcome ReadRun(string source, string? store) =>
        Directory.Exists(source) ? EncodeQuality.Results.Files.SummaryReader.Read(source)
        : store is not null ? EncodeQuality.Results.Store.StoreReader.Read(
            new EncodeQuality.Results.Store.ResultStore(EncodeQuality.Results.Store.StoreLocation.ParseExisting(store)), source)
        : throw new InputException($"{source}: no such folder (a stored run id needs --store)");

    /// <summary>What eq score and eq vmaf read: the two videos, the model file (when a path) and an SQLite store.</summary>
    public static EncodeQuality.Results.Files.RunInputs ComparisonInputs(string? reference, IReadOnlyList<string> distorted, string? model, string? store) =>
        distorted.Aggregate(EncodeQuality.Results.Files.RunInputs.None.With("reference", reference), (inputs, d) => inputs.With("distorted", d))
            .With("model", model).With("store", StoreFile(store));

    /// <summary>--dist, given once or more: each distorted file is scored against the one reference.</summary>
    public static Option<string[]> Distorted() => new("--dist")
    {
        Description = "Distorted video; give it again for more, each scored against the reference (decoded once)",
        Required = true,
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<string?> JsonDir() => new("--json-dir")
    {
        Description = "Write each distorted file's scores (libvmaf's JSON log layout) to DIR/NAME.json, NAME its file name without the extension",
    };

    /// <summary>The SQLite file --store names (an input no output may replace), or null (none, or PostgreSQL).</summary>
    public static string? StoreFile(string? store) =>
        store is null ? null : EncodeQuality.Results.Store.StoreLocation.Parse(store).FilePath;

    public static Option<string?> Since(string description) => new("--since")
    {
        Description = description + ": an age (30d, 12h, 2w) or a time (ISO 8601, UTC unless it says otherwise)",
    };

    /// <summary>--since as an age back from now (30d, 12h, 90m, 2w) or an ISO 8601 time.</summary>
    public static DateTimeOffset? ParseSince(string? text, DateTimeOffset now)
    {
        if (text is null) return null;
        var age = System.Text.RegularExpressions.Regex.Match(text.Trim(), @"^(\d{1,6})([mhdw])$");
        if (age.Success)
            return now - int.Parse(age.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * age.Groups[2].Value switch
            {
                "m" => TimeSpan.FromMinutes(1),
                "h" => TimeSpan.FromHours(1),
                "d" => TimeSpan.FromDays(1),
                _ => TimeSpan.FromDays(7),
            };
        if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t))
            return t;
        throw new InputException($"--since: '{text}' is neither an age (30d, 12h, 90m, 2w) nor a time (ISO 8601, e.g. 2026-11-01 or 2026-11-01T12:00:00Z)");
    }

    public static Option<string?> Store() => new("--store")
    {
        Description = "Also write the run to a results store: an SQLite file path, or a postgres:// URL or Npgsql connection string",
    };

    /// <summary>The store sinks for --store (none without it); a malformed location is an input error, found now.</summary>
    public static IReadOnlyList<EncodeQuality.Results.IResultSink> StoreSinks(string? store, Serilog.ILogger log) =>
        store is null ? [] : [new EncodeQuality.Results.Store.StoreSink(
            new EncodeQuality.Results.Store.ResultStore(EncodeQuality.Results.Store.StoreLocation.Parse(store)), log)];

    /// <summary>
    /// Runs a command that writes files and maybe a store. If only the store failed, the files
    /// are committed: say so, and how to load them later (exit 2).
    /// </summary>
    public static async Task<T> Stored<T>(string? files, string? store, Func<Task<T>> run)
    {
        try { return await run(); }
        catch (EncodeQuality.Application.ResultSinkException e) when (store is not null)
        {
            string later = files is null ? "" : "; the output files are complete: load them later with: eq store import " +
                $"{ShellQuote(files)} --store {ShellQuote(EncodeQuality.Results.Store.StoreLocation.WithoutPassword(store))}" +
                (EncodeQuality.Results.Store.StoreLocation.WithoutPassword(store) != store ? " (the password from PGPASSWORD or ~/.pgpass)" : "");
            throw new EncodeQuality.Results.Store.StoreException(e.Message + later, e);
        }
    }

    /// <summary>A word a POSIX shell reads back as this text: single-quoted, with each ' written as '\''.</summary>
    public static string ShellQuote(string text) => "'" + text.Replace("'", "'\\''") + "'";

    public static Option<bool> Quiet() => new("--quiet", "-q") { Description = "Only errors on stderr: no progress, no log lines" };
    public static Option<bool> NoProgress() => new("--no-progress") { Description = "No live progress display, even on a terminal: the plain log lines" };

    /// <summary>
    /// A live display when stderr is a terminal (log lines then only from warnings up); plain,
    /// throttled log lines when it is not (CI, farm logs), never escape codes.
    /// </summary>
    public static (ProgressDisplay? Display, Serilog.Events.LogEventLevel Console) Progress(bool quiet, bool noProgress, long maxFrames) =>
        quiet ? (null, Serilog.Events.LogEventLevel.Error)
        : noProgress || Console.IsErrorRedirected ? (null, Serilog.Events.LogEventLevel.Verbose)
        : (new ProgressDisplay(maxFrames), Serilog.Events.LogEventLevel.Warning);

    public static Option<string?> Size() => new("--size") { Description = "Picture size WxH of raw .yuv input" };
    public static Option<string?> Fps() => new("--fps") { Description = "Frame rate of raw .yuv input (25, 30000/1001)" };

    /// <summary>How to open a file, or a one-line input error.</summary>
    public static SourceOptions? SourceOptionsFor(string path, string? size, string? fps, bool concealErrors = false)
    {
        try
        {
            if (size is not null && !System.Text.RegularExpressions.Regex.IsMatch(size, @"^\d+x\d+$"))
                throw new InputException($"--size must look like 1280x720, not '{size}'");
            return SourceOptions.For(path, size, fps, concealErrors);
        }
        catch (SourceException e) { throw new InputException(e.Message); }
    }
}
