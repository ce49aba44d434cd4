namespace EncodeQuality.Vmaf;

/// <summary>
/// The frame pair the extractors see: luma samples of reference and distorted packed at
/// stride = width (8-bit samples widened to ushort, deeper ones as they are), and, when a float
/// extractor runs, the same planes as floats on libvmaf's offset 8-bit scale. Buffers are
/// allocated once for the picture size and refilled per frame.
/// </summary>
public sealed class FramePair
{
    public FramePair(int width, int height, bool withFloat)
    {
        Width = width;
        Height = height;
        Reference = new ushort[width * height];
        Distorted = new ushort[width * height];
        if (withFloat)
        {
            ReferenceFloat = new FloatPlane(width, height);
            DistortedFloat = new FloatPlane(width, height);
        }
    }

    public int Width { get; }
    public int Height { get; }
    /// <summary>Bits per sample, fixed by the first frame.</summary>
    public int BitDepth { get; private set; }
    public ushort[] Reference { get; }
    public ushort[] Distorted { get; }
    public FloatPlane? ReferenceFloat { get; }
    public FloatPlane? DistortedFloat { get; }

    public void Load(in LumaFrame reference, in LumaFrame distorted)
    {
        if (reference.BitDepth != distorted.BitDepth) throw new ArgumentException("reference and distorted differ in bit depth");
        if (BitDepth != 0 && reference.BitDepth != BitDepth) throw new ArgumentException($"bit depth changed from {BitDepth} to {reference.BitDepth}");
        BitDepth = reference.BitDepth;
        reference.CopyTo(Reference);
        distorted.CopyTo(Distorted);
        if (ReferenceFloat is not null)
        {
            reference.ToFloat(ReferenceFloat);
            distorted.ToFloat(DistortedFloat!);
        }
    }
}
