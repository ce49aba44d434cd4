namespace EncodeQuality.Vmaf;

/// <summary>
/// A picture handed to the engine: its luma plane and, for 4:2:0 pictures, its two chroma planes
/// ((width + 1) / 2 by (height + 1) / 2). Most features read luma only; a chroma feature
/// (speed_chroma) needs the chroma planes. Views only, as <see cref="SamplePlane"/>.
/// </summary>
public readonly ref struct YuvPicture
{
    public YuvPicture(SamplePlane luma)
    {
        Luma = luma;
    }

    public YuvPicture(SamplePlane luma, SamplePlane cb, SamplePlane cr)
    {
        if (cb.Width != (luma.Width + 1) / 2 || cb.Height != (luma.Height + 1) / 2 || cr.Width != cb.Width || cr.Height != cb.Height)
            throw new ArgumentException($"chroma planes of a {luma.Width}x{luma.Height} 4:2:0 picture are {(luma.Width + 1) / 2}x{(luma.Height + 1) / 2}");
        if (cb.BitDepth != luma.BitDepth || cr.BitDepth != luma.BitDepth) throw new ArgumentException("chroma and luma differ in bit depth");
        Luma = luma;
        Cb = cb;
        Cr = cr;
        HasChroma = true;
    }

    public SamplePlane Luma { get; }
    public SamplePlane Cb { get; }
    public SamplePlane Cr { get; }
    public bool HasChroma { get; }

    public int Width => Luma.Width;
    public int Height => Luma.Height;
    public int BitDepth => Luma.BitDepth;

    /// <summary>A luma-only picture.</summary>
    public static implicit operator YuvPicture(SamplePlane luma) => new(luma);
}
