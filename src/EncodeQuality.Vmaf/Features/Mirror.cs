namespace EncodeQuality.Vmaf.Features;

/// <summary>
/// libvmaf's border rule for its filters: before the start the picture is reflected without
/// repeating the edge sample (-i), past the end with it (2n - i - 1). The asymmetry is libvmaf's.
/// </summary>
internal static class Mirror
{
    public static int Index(int i, int n) => i < 0 ? -i : i >= n ? 2 * n - i - 1 : i;
}
