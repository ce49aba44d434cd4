namespace EncodeQuality.Vmaf.Features.Integer;

/// <summary>
/// ADM's reference-only work on one frame, which streams scored against the same reference share
/// (<see cref="SharedFrames{T}"/>): the reference's detail bands (horizontal, vertical, diagonal)
/// at each of the four DWT levels, and each level's sums of cubed coefficients for the denominator,
/// which read only those bands (the CSF weights and noise floor, which depend on a model's options,
/// are applied by each stream). A stream that takes them skips the reference's wavelet
/// decomposition and the cubes; its decoupling, CSF and masking read the same band values, so its
/// scores are the same.
/// </summary>
internal sealed class AdmReference
{
    public readonly int[][] H = new int[4][], V = new int[4][], D = new int[4][];
    /// <summary>Each level's denominator sums of cubes, horizontal, vertical and diagonal: [3 * scale + orientation].</summary>
    public readonly ulong[] DenCubes = new ulong[12];

    public AdmReference(int width, int height)
    {
        for (int scale = 0; scale < 4; scale++)
        {
            (width, height) = ((width + 1) / 2, (height + 1) / 2);
            (H[scale], V[scale], D[scale]) = (new int[width * height], new int[width * height], new int[width * height]);
        }
    }

    /// <summary>Bytes of one frame's state (as the constructor allocates it).</summary>
    public static long Bytes(int width, int height)
    {
        long bytes = 0;
        for (int scale = 0; scale < 4; scale++)
        {
            (width, height) = ((width + 1) / 2, (height + 1) / 2);
            bytes += 3 * 4L * width * height;
        }
        return bytes;
    }
}
