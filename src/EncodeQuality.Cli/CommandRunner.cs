using EncodeQuality.Native;
using EncodeQuality.Results.Files;
using Serilog;

namespace EncodeQuality.Cli;

/// <summary>
/// Runs a command body and turns every failure into one line on stderr and a documented exit
/// code: no stack traces (unless --verbose), no half-written outputs.
/// </summary>
public static class CommandRunner
{
    /// <summary>
    /// A command that reads files and writes others: <paramref name="inputs"/> names what it reads
    /// (found before any work; an input error is exit 1), and no output, the log included, may
    /// replace one of them. The body checks its own outputs with <see cref="RunInputs.CheckOutputs"/>.
    /// </summary>
    public static Task<int> Run(string? logJson, bool verbose, Func<RunInputs> inputs, Func<ILogger, RunInputs, Task> body,
        Serilog.Events.LogEventLevel console = Serilog.Events.LogEventLevel.Verbose)
    {
        RunInputs read;
        try
        {
            read = inputs();
            // The log is appended to and may be a device (/dev/stderr): Logging checks what it can take.
            if (logJson is not null) read.CheckNotAnInput(logJson, "--log-json");
        }
        catch (InputException e) { return Task.FromResult(Fail(ExitCodes.InputError, e.Message)); }
        return Run(logJson, verbose, log => body(log, read), console);
    }

    public static async Task<int> Run(string? logJson, bool verbose, Func<ILogger, Task> body,
        Serilog.Events.LogEventLevel console = Serilog.Events.LogEventLevel.Verbose)
    {
        ILogger log;
        try { log = Logging.Create(logJson, verbose, console); }
        catch (Exception e) { return Fail(ExitCodes.InputError, $"--log-json: {e.Message}"); }
        try
        {
            await body(log);
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is InputException or SourceException)
        {
            return Fail(ExitCodes.InputError, e.Message);
        }
        catch (EncodeQuality.Decisions.QualityFailedException e)
        {
            return Fail(ExitCodes.QualityFailed, e.Message);
        }
        catch (OperationCanceledException)
        {
            return Fail(ExitCodes.ProcessingError, "interrupted; no output was completed");
        }
        catch (EncodeQuality.Results.Store.StoreException e)
        {
            return Fail(ExitCodes.ProcessingError, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(ExitCodes.ProcessingError, e.Message);
        }
        catch (Exception e)
        {
            if (verbose) Console.Error.WriteLine(e);
            return Fail(ExitCodes.ProcessingError, e.Message);
        }
        finally
        {
            // The log's last flush can fail (a full disk): a warning, and the run's exit code stands.
            try { (log as IDisposable)?.Dispose(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"eq: warning: --log-json {logJson}: the log could not be written completely ({e.Message})");
            }
        }
    }

    private static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"eq: error: {message.ReplaceLineEndings(" ")}");
        return code;
    }
}
