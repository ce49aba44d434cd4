namespace EncodeQuality.Vmaf;

/// <summary>A picture plane as floats, rows packed (stride = width). Allocated once per size and reused.</summary>
public sealed class FloatPlane
{
    public FloatPlane(int width, int height)
    {
        Width = width;
        Height = height;
        Data = new float[Math.Max(1, width * height)];
    }

    public int Width { get; private set; }
    public int Height { get; private set; }
    public float[] Data { get; }

    public Span<float> Row(int y) => Data.AsSpan(y * Width, Width);

    /// <summary>Uses the front of the buffer for a smaller picture (the next scale down).</summary>
    public void Resize(int width, int height)
    {
        if (width * height > Data.Length) throw new ArgumentException("plane buffer too small");
        Width = width;
        Height = height;
    }
}
