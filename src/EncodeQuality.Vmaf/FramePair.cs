namespace EncodeQuality.Vmaf;

/// <summary>
/// The frame pair the extractors see: luma samples of reference and distorted packed at
/// stride = width (8-bit samples widened to ushort, deeper ones as they are; the reference only
/// when an extractor reads it); when a float
/// extractor runs, the same planes as floats on libvmaf's offset 8-bit scale; when a chroma
/// extractor runs, the 4:2:0 chroma planes packed at their own width. Buffers are allocated once
/// for the picture size and refilled per frame. Frames in flight each have their own pair; a pair
/// also links to the frame before it (<see cref="Previous"/>), which the scheduler keeps untouched
/// until this frame is final, so motion reads the previous reference where it is, with no copy.
/// </summary>
public sealed class FramePair
{
    public FramePair(int width, int height, bool withFloat, bool withChroma = false, bool withBlur = false, bool withReference = true)
    {
        Width = width;
        Height = height;
        Reference = withReference ? new ushort[width * height] : [];
        Distorted = new ushort[width * height];
        if (withFloat)
        {
            ReferenceFloat = new FloatPlane(width, height);
            DistortedFloat = new FloatPlane(width, height);
        }
        if (withChroma)
        {
            int n = ChromaWidth * ((height + 1) / 2);
            (ReferenceCb, ReferenceCr, DistortedCb, DistortedCr) = (new ushort[n], new ushort[n], new ushort[n], new ushort[n]);
        }
        WithChroma = withChroma;
        if (withBlur) BlurredReference = new float[width * height];
    }

    /// <summary>The frame before this one in display order, or null for the first frame.</summary>
    public FramePair? Previous { get; set; }

    /// <summary>The float motion's blurred reference, kept with the frame for the next frame's motion.</summary>
    public float[]? BlurredReference { get; }

    /// <summary>Bytes of a pair's buffers (as the constructor allocates them).</summary>
    public static long Bytes(int width, int height, bool withFloat, bool withChroma, bool withBlur, bool withReference = true)
    {
        long area = (long)width * height;
        return (withReference ? 2 : 1) * 2 * area + (withFloat ? 2 * 4 * area : 0) + (withBlur ? 4 * area : 0)
            + (withChroma ? 4 * 2L * ((width + 1) / 2) * ((height + 1) / 2) : 0);
    }

    public int Width { get; }
    public int Height { get; }
    public int ChromaWidth => (Width + 1) / 2;
    /// <summary>Bits per sample, fixed by the first frame.</summary>
    public int BitDepth { get; private set; }
    public ushort[] Reference { get; }
    public ushort[] Distorted { get; }
    public FloatPlane? ReferenceFloat { get; }
    public FloatPlane? DistortedFloat { get; }
    public bool WithChroma { get; }
    public ushort[] ReferenceCb { get; } = [];
    public ushort[] ReferenceCr { get; } = [];
    public ushort[] DistortedCb { get; } = [];
    public ushort[] DistortedCr { get; } = [];

    public void Load(in YuvPicture reference, in YuvPicture distorted)
    {
        if (reference.BitDepth != distorted.BitDepth) throw new ArgumentException("reference and distorted differ in bit depth");
        if (BitDepth != 0 && reference.BitDepth != BitDepth) throw new ArgumentException($"bit depth changed from {BitDepth} to {reference.BitDepth}");
        BitDepth = reference.BitDepth;
        if (Reference.Length > 0) reference.Luma.CopyTo(Reference);
        distorted.Luma.CopyTo(Distorted);
        if (ReferenceFloat is not null)
        {
            reference.Luma.ToFloat(ReferenceFloat);
            distorted.Luma.ToFloat(DistortedFloat!);
        }
        if (WithChroma)
        {
            if (!reference.HasChroma || !distorted.HasChroma) throw new ArgumentException("this model reads chroma (speed_chroma): pictures need their chroma planes");
            reference.Cb.CopyTo(ReferenceCb);
            reference.Cr.CopyTo(ReferenceCr);
            distorted.Cb.CopyTo(DistortedCb);
            distorted.Cr.CopyTo(DistortedCr);
        }
    }
}
