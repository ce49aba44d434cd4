namespace EncodeQuality.Vmaf.Features.Integer;

/// <summary>
/// VIF's reference-only work on one frame, which streams scored against the same reference share
/// (<see cref="SharedFrames{T}"/>): at each scale, every pixel's filtered reference mean mu1 and
/// its variance sigma1^2 (the filtered square less mu1^2, in Q16), and the log terms of the
/// denominator, which read nothing else. A stream that takes them filters only the distorted
/// picture and the product, and keeps the numerator's terms; the values are the same integers.
/// </summary>
internal sealed class VifReference
{
    public readonly uint[][] Mu1 = new uint[4][];
    public readonly int[][] Sigma1 = new int[4][];
    /// <summary>Each scale's sum of the denominator's log terms (its other sum, the count of flat pixels, every stream counts).</summary>
    public readonly long[] DenLog = new long[4];

    public VifReference(int width, int height)
    {
        for (int scale = 0; scale < 4; scale++, width /= 2, height /= 2)
        {
            Mu1[scale] = new uint[width * height];
            Sigma1[scale] = new int[width * height];
        }
    }

    /// <summary>Bytes of one frame's state (as the constructor allocates it).</summary>
    public static long Bytes(int width, int height)
    {
        long bytes = 0;
        for (int scale = 0; scale < 4; scale++, width /= 2, height /= 2) bytes += 8L * width * height;
        return bytes;
    }
}

/// <summary>What a stream does with a frame's <see cref="VifReference"/>.</summary>
internal enum VifShareMode
{
    /// <summary>Computes everything, shares nothing.</summary>
    Alone,
    /// <summary>Computes everything and fills the shared state.</summary>
    Lead,
    /// <summary>Takes the reference's part from the shared state.</summary>
    Follow,
}

/// <summary>
/// One row's place in a scale's shared planes (<see cref="VifReference"/>), and what to do there.
/// The AVX-512 row kernel keeps a block of 32 columns in the order it computes them (16 even
/// columns, then 16 odd); the leader and its followers run the same kernels, so they agree.
/// </summary>
internal readonly struct VifSharedRow(VifShareMode mode, uint[] mu1, int[] sigma1, int start)
{
    public static readonly VifSharedRow None = new(VifShareMode.Alone, [], [], 0);

    public VifShareMode Mode { get; } = mode;
    public uint[] Mu1 { get; } = mu1;
    public int[] Sigma1 { get; } = sigma1;
    /// <summary>The row's first index in the planes.</summary>
    public int Start { get; } = start;
}
