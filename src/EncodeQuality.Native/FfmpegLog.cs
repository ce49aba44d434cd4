using System.Runtime.InteropServices;
using EncodeQuality.Native.Interop;

namespace EncodeQuality.Native;

/// <summary>FFmpeg's log levels that reach a route (libavutil/log.h).</summary>
public enum FfmpegLogLevel { Error = 16, Warning = 24, Info = 32, Verbose = 40 }

/// <summary>
/// Routes FFmpeg's log (decoders, demuxers, swscale) to the application's logger, one line at a
/// time, instead of FFmpeg printing to stderr itself. Lines may come from FFmpeg's threads.
/// </summary>
public static unsafe class FfmpegLog
{
    private static Action<FfmpegLogLevel, string>? _sink;

    /// <summary>Sends every line up to <paramref name="upTo"/> to <paramref name="sink"/>, for the whole process.</summary>
    public static void Route(Action<FfmpegLogLevel, string> sink, FfmpegLogLevel upTo)
    {
        _sink = sink;
        GlueMethods.LogRoute(&OnLine, (int)upTo);
    }

    [UnmanagedCallersOnly]
    private static void OnLine(int level, byte* line)
    {
        // An exception must not cross back into FFmpeg; a log line is not worth failing a run for.
        try
        {
            var mapped = level <= (int)FfmpegLogLevel.Error ? FfmpegLogLevel.Error
                : level <= (int)FfmpegLogLevel.Warning ? FfmpegLogLevel.Warning
                : level <= (int)FfmpegLogLevel.Info ? FfmpegLogLevel.Info : FfmpegLogLevel.Verbose;
            _sink?.Invoke(mapped, Marshal.PtrToStringUTF8((nint)line) ?? "");
        }
        catch (Exception) { }
    }
}
