namespace EncodeQuality.LibVmaf;

/// <summary>A libvmaf call returned a non-zero code (a negative errno).</summary>
public sealed class LibVmafException(string call, int code)
    : Exception($"libvmaf {call} failed with error {code}{Describe(code)}")
{
    public int Code { get; } = code;

    private static string Describe(int code) => code switch
    {
        -22 => " (EINVAL)",
        -12 => " (ENOMEM)",
        -2 => " (ENOENT)",
        _ => "",
    };
}
