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
            cfg = cfg.WriteTo.File(new JsonFormatter(renderMessage: true), jsonPath, restrictedToMinimumLevel: LogEventLevel.Debug);
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
}
