using System.Runtime.InteropServices;

namespace EncodeQuality.LibVmaf;

/// <summary>
/// Finds and loads libvmaf once per process: the EQ_LIBVMAF path when set (an override, tried
/// alone), otherwise the loader's default search for libvmaf.so.3 (v3), then libvmaf.so.1 (v2).
/// </summary>
public static class LibVmafLibrary
{
    private static readonly object Gate = new();
    private static bool _tried;
    private static nint _handle;
    private static string _detail = "";

    public const string OverrideVariable = "EQ_LIBVMAF";

    public static bool TryLoad(out nint handle, out string detail)
    {
        lock (Gate)
        {
            if (!_tried)
            {
                _tried = true;
                var candidates = Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 } path
                    ? new[] { path }
                    : ["libvmaf.so.3", "libvmaf.so.1"];
                foreach (var c in candidates)
                    if (NativeLibrary.TryLoad(c, out _handle))
                    {
                        _detail = c;
                        break;
                    }
                if (_handle == 0)
                    _detail = $"libvmaf not found (tried {string.Join(", ", candidates)}" +
                              (candidates.Length == 1 ? $" from {OverrideVariable})" : $"; set {OverrideVariable} to its path)");
            }
            handle = _handle;
            detail = _detail;
            return _handle != 0;
        }
    }

    /// <summary>libvmaf's own version string, or null when it does not load.</summary>
    public static unsafe string? Version()
    {
        if (!TryLoad(out _, out _)) return null;
        LibVmafApi.EnsureResolver();
        return Marshal.PtrToStringUTF8((nint)LibVmafApi.Version());
    }
}
