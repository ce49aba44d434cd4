namespace EncodeQuality.Pipeline;

/// <summary>
/// The process's peak resident memory (VmHWM) since a chosen point. Linux moves that mark down to
/// the current resident size when "5" is written to /proc/self/clear_refs (proc(5), Linux 4.0 and
/// later), so a worker that runs job after job reports each run's own peak against the run's
/// estimate, not the largest peak of any job before it.
/// </summary>
public static class MemoryPeak
{
    /// <summary>Starts a new peak at the current resident size; false where the kernel refuses (the peak is then the process's).</summary>
    public static bool Reset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>The peak resident size in bytes (VmHWM of /proc/self/status, in kB there); 0 where there is none.</summary>
    public static long Read() => Status("VmHWM:");

    /// <summary>The resident size now in bytes (VmRSS); 0 where there is none.</summary>
    public static long Resident() => Status("VmRSS:");

    private static long Status(string key)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith(key, StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(key.Length).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        return 0;
    }
}
