using System.Runtime.InteropServices;
using System.Numerics;

namespace EncodeQuality.Vmaf;

/// <summary>
/// One picture plane handed to the engine: 8-bit samples as bytes, deeper ones as little-endian
/// ushorts; stride in samples. A view only: the engine copies what it needs during Push.
/// </summary>
public readonly ref struct SamplePlane
{
    public SamplePlane(ReadOnlySpan<byte> samples, int width, int height, int stride)
    {
        Bytes = samples;
        Width = width;
        Height = height;
        Stride = stride;
        BitDepth = 8;
        Check(samples.Length);
    }

    public SamplePlane(ReadOnlySpan<ushort> samples, int width, int height, int stride, int bitDepth)
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

    /// <summary>Copies the samples, rows packed, widening 8-bit samples to ushort.</summary>
    public void CopyTo(ushort[] target)
    {
        for (int y = 0; y < Height; y++)
        {
            var dst = target.AsSpan(y * Width, Width);
            if (BitDepth == 8)
            {
                var row = Bytes.Slice(y * Stride, Width);
                int x = 0;
                if (Vector.IsHardwareAccelerated)
                {
                    ref byte rb = ref MemoryMarshal.GetReference(row);
                    ref ushort rd = ref MemoryMarshal.GetReference(dst);
                    for (; x <= Width - Vector<byte>.Count; x += Vector<byte>.Count)
                    {
                        Vector.Widen(Vector.LoadUnsafe(ref rb, (nuint)x), out Vector<ushort> lo, out Vector<ushort> hi);
                        lo.StoreUnsafe(ref rd, (nuint)x);
                        hi.StoreUnsafe(ref rd, (nuint)(x + Vector<ushort>.Count));
                    }
                }
                for (; x < Width; x++) dst[x] = row[x];
            }
            else Words.Slice(y * Stride, Width).CopyTo(dst);
        }
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
                if (Vector.IsHardwareAccelerated)
                {
                    var offset = new Vector<float>(128f);
                    int lanes = Vector<byte>.Count, quarter = Vector<float>.Count;
                    ref byte rb = ref MemoryMarshal.GetReference(row);
                    for (; x <= row.Length - lanes; x += lanes)
                    {
                        Vector.Widen(Vector.LoadUnsafe(ref rb, (nuint)x), out Vector<ushort> w0, out Vector<ushort> w1);
                        Vector.Widen(w0, out Vector<uint> i0, out Vector<uint> i1);
                        Vector.Widen(w1, out Vector<uint> i2, out Vector<uint> i3);
                        (Vector.ConvertToSingle(Vector.AsVectorInt32(i0)) - offset).StoreUnsafe(ref dst[0], (nuint)(o + x));
                        (Vector.ConvertToSingle(Vector.AsVectorInt32(i1)) - offset).StoreUnsafe(ref dst[0], (nuint)(o + x + quarter));
                        (Vector.ConvertToSingle(Vector.AsVectorInt32(i2)) - offset).StoreUnsafe(ref dst[0], (nuint)(o + x + 2 * quarter));
                        (Vector.ConvertToSingle(Vector.AsVectorInt32(i3)) - offset).StoreUnsafe(ref dst[0], (nuint)(o + x + 3 * quarter));
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
