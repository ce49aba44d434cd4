namespace EncodeQuality.Native.Frames;

/// <summary>Planar 4:2:0 picture geometry: 8-bit samples are bytes, deeper ones little-endian ushorts.</summary>
public readonly record struct VideoFormat(int Width, int Height, int BitDepth)
{
    public int BytesPerSample => BitDepth > 8 ? 2 : 1;
    public int ChromaWidth => (Width + 1) / 2;
    public int ChromaHeight => (Height + 1) / 2;
    public int PlaneWidth(int plane) => plane == 0 ? Width : ChromaWidth;
    public int PlaneHeight(int plane) => plane == 0 ? Height : ChromaHeight;
    /// <summary>Bytes per row of a plane, rows packed without padding.</summary>
    public int Stride(int plane) => PlaneWidth(plane) * BytesPerSample;
    public int PlaneBytes(int plane) => Stride(plane) * PlaneHeight(plane);
    public int FrameBytes => PlaneBytes(0) + 2 * PlaneBytes(1);
    public override string ToString() => $"{Width}x{Height} {BitDepth}-bit";
}
