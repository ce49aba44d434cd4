namespace EncodeQuality.Vmaf.Features;

/// <summary>
/// libvmaf 3's border rule for its filters (VIF, motion; integer and float): the picture is
/// reflected without repeating the edge sample, so -1 is 1 and n is n-2. (libvmaf 1.x repeated
/// the edge at the far end.)
/// </summary>
internal static class Mirror
{
    public static int Index(int i, int n) => i < 0 ? -i : i >= n ? 2 * n - i - 2 : i;

    /// <summary>ADM's DWT (dwt2_src_indices_filt): -1 is 1, but n is n-1 (the edge repeats).</summary>
    public static int Dwt(int i, int n) => i < 0 ? -i : i >= n ? 2 * n - i - 1 : i;
}
