using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace EncodeQuality.Cli;

/// <summary>Readable lines on stderr; with --log-json, structured events to a file as well.</summary>
public static class Logging
{
    public static ILogger Create(string? jsonPath, bool verbose)
    {
        var cfg = new LoggerConfiguration()
            .MinimumLevel.Is(verbose ? LogEventLevel.Debug : LogEventLevel.Information)
            .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose, outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}");
        if (jsonPath is not null)
            cfg = cfg.WriteTo.File(new JsonFormatter(renderMessage: true), jsonPath, restrictedToMinimumLevel: LogEventLevel.Debug);
        return cfg.CreateLogger();
    }
}
