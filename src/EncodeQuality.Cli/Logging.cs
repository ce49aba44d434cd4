using EncodeQuality.Native;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace EncodeQuality.Cli;

/// <summary>
/// Readable lines on stderr; with --log-json, structured events to a file as well. FFmpeg's own
/// log joins them: its errors and warnings as such, its information with --verbose.
/// </summary>
public static class Logging
{
    /// <param name="console">The least level written to stderr: Warning under a live progress display, Error with --quiet.</param>
    public static ILogger Create(string? jsonPath, bool verbose, LogEventLevel console = LogEventLevel.Verbose)
    {
        var cfg = new LoggerConfiguration()
            .MinimumLevel.Is(verbose ? LogEventLevel.Debug : LogEventLevel.Information)
            .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose, restrictedToMinimumLevel: console,
                outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}");
        if (jsonPath is not null)
        {
            CheckLogFile(jsonPath);
            cfg = cfg.WriteTo.File(new JsonFormatter(renderMessage: true), jsonPath, restrictedToMinimumLevel: LogEventLevel.Debug);
            // Serilog drops an event it cannot write (a full disk) and tells only its self-log: say so once, on stderr.
            int told = 0;
            Serilog.Debugging.SelfLog.Enable(message =>
            {
                if (Interlocked.Exchange(ref told, 1) == 0)
                    Console.Error.WriteLine($"eq: warning: --log-json {jsonPath}: events could not be written ({FirstLine(message)})");
            });
        }
        var log = cfg.CreateLogger();
        var ffmpeg = log.ForContext("SourceContext", "ffmpeg");
        FfmpegLog.Route((level, line) => ffmpeg.Write(level switch
        {
            FfmpegLogLevel.Error => LogEventLevel.Error,
            FfmpegLogLevel.Warning => LogEventLevel.Warning,
            FfmpegLogLevel.Info => LogEventLevel.Debug,
            _ => LogEventLevel.Verbose,
        }, "FFmpeg {Line}", line), verbose ? FfmpegLogLevel.Info : FfmpegLogLevel.Warning);
        return log;
    }

    /// <summary>
    /// Refuses, before any work, a log path that cannot take the log: a folder, a missing folder, a
    /// file this user may not append to (read-only, immutable), or a kernel file system (/proc,
    /// /sys), whose files take writes only as commands. Devices such as /dev/stderr are allowed.
    /// </summary>
    private static void CheckLogFile(string path)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new InputException($"{path}: this is a folder; give the log file's path");
        string? folder = Path.GetDirectoryName(full);
        if (folder is null || !Directory.Exists(folder)) throw new InputException($"{path}: the folder does not exist");
        string real = new DirectoryInfo(folder).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? folder;
        foreach (var kernel in new[] { "/proc", "/sys" })
            if (real == kernel || real.StartsWith(kernel + "/", StringComparison.Ordinal))
                throw new InputException($"{path}: {kernel} is a kernel file system, not a place for a log");
        try { using var probe = new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot be written ({e.Message})");
        }
    }

    private static string FirstLine(string message)
    {
        // Serilog's self-log line is a timestamp, the sink, then the exception: keep the exception's message.
        int cut = message.IndexOfAny(['\r', '\n']);
        string line = (cut < 0 ? message : message[..cut]).Trim();
        int at = line.IndexOf("Exception: ", StringComparison.Ordinal);
        return at < 0 ? line : line[(at + "Exception: ".Length)..];
    }
}
