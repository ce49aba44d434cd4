using System.Runtime.InteropServices;

namespace EncodeQuality.Cli;

/// <summary>
/// CPU time used by the calling thread, so that a helper thread (the progress display) can say what
/// it cost the run. .NET has only per-process CPU time (Environment.CpuUsage).
/// </summary>
public static class ThreadCpuClock
{
    // clock_gettime(2) with CLOCK_THREAD_CPUTIME_ID (3 in Linux's <linux/time.h>); timespec is two longs on 64-bit Linux.
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    /// <summary>The thread's CPU time so far, or null where the clock is not available.</summary>
    public static TimeSpan? Now()
    {
        if (!OperatingSystem.IsLinux()) return null;
        return ClockGetTime(ClockThreadCpuTimeId, out var t) == 0 ? TimeSpan.FromTicks(t.Seconds * TimeSpan.TicksPerSecond + t.Nanoseconds / 100) : null;
    }
}
