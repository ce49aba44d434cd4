using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EncodeQuality.Vmaf;

/// <summary>
/// One luma plane handed to the engine: 8-bit samples as bytes, deeper ones as little-endian
/// ushorts; stride in samples. A view only: the engine copies what it needs during Push.
/// </summary>
public readonly ref struct LumaFrame
{
    public LumaFrame(ReadOnlySpan<byte> samples, int width, int height, int stride)
    {
        Bytes = samples;
        Width = width;
        Height = height;
        Stride = stride;
        BitDepth = 8;
        Check(samples.Length);
    }

    public LumaFrame(ReadOnlySpan<ushort> samples, int width, int height, int stride, int bitDepth)
    {
        if (bitDepth is < 9 or > 16) throw new ArgumentOutOfRangeException(nameof(bitDepth), "16-bit samples carry 9 to 16 bits");
        Bytes = MemoryMarshal.AsBytes(samples);
        Width = width;
        Height = height;
        Stride = stride;
        BitDepth = bitDepth;
        Check(samples.Length);
    }

    public ReadOnlySpan<byte> Bytes { get; }
    public int Width { get; }
    public int Height { get; }
    public int Stride { get; }
    public int BitDepth { get; }

    public ReadOnlySpan<ushort> Words => MemoryMarshal.Cast<byte, ushort>(Bytes);

    private void Check(int length)
    {
        if (Width <= 0 || Height <= 0 || Stride < Width) throw new ArgumentException($"bad plane geometry {Width}x{Height} stride {Stride}");
        if (length < (long)Stride * (Height - 1) + Width) throw new ArgumentException("plane buffer is smaller than its geometry");
    }

    /// <summary>
    /// Converts to floats on libvmaf's 8-bit scale with its pixel offset: deeper samples are divided
    /// by 2^(depth-8) (as libvmaf's picture_copy does), then -128 is added (OPT_RANGE_PIXEL_OFFSET).
    /// </summary>
    public void ToFloat(FloatPlane target)
    {
        target.Resize(Width, Height);
        var dst = target.Data;
        if (BitDepth == 8)
        {
            var src = Bytes;
            for (int y = 0; y < Height; y++)
            {
                var row = src.Slice(y * Stride, Width);
                int o = y * Width;
                int x = 0;
                if (Vector256.IsHardwareAccelerated)
                {
                    var offset = Vector256.Create(128f);
                    ref byte rb = ref MemoryMarshal.GetReference(row);
                    for (; x <= row.Length - 16; x += 16)
                    {
                        var (w0, w1) = Vector128.Widen(Vector128.LoadUnsafe(ref rb, (nuint)x));
                        var (i0, i1) = Vector128.Widen(w0);
                        var (i2, i3) = Vector128.Widen(w1);
                        (Vector256.ConvertToSingle(Vector256.Create(i0, i1).AsInt32()) - offset).StoreUnsafe(ref dst[0], (nuint)(o + x));
                        (Vector256.ConvertToSingle(Vector256.Create(i2, i3).AsInt32()) - offset).StoreUnsafe(ref dst[0], (nuint)(o + x + 8));
                    }
                }
                for (; x < row.Length; x++) dst[o + x] = row[x] - 128f;
            }
        }
        else
        {
            var src = Words;
            float scale = 1f / (1 << (BitDepth - 8));
            for (int y = 0; y < Height; y++)
            {
                var row = src.Slice(y * Stride, Width);
                int o = y * Width;
                for (int x = 0; x < row.Length; x++) dst[o + x] = row[x] * scale - 128f;
            }
        }
    }
}
