using System.Runtime.InteropServices;

namespace EncodeQuality.Native.Interop;

// Mirrors of the structs declared in native/include/eqglue.h (our own glue's API, never an
// FFmpeg, x264 or x265 struct). Field order and sizes must match that header.

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct EqPlanes
{
    public byte* Data0, Data1, Data2;
    public int Stride0, Stride1, Stride2;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct EqVideoInfo
{
    public int Width, Height, BitDepth, FpsNum, FpsDen, Converted;
    public long FrameCountHint;
    public fixed byte SourcePixFmt[32];
    public fixed byte CodecName[32];
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct EqOpenOptions
{
    public fixed byte Format[32];
    public fixed byte VideoSize[32];
    public fixed byte Framerate[32];
    public fixed byte PixelFormat[32];
    public int ConcealErrors;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct EqEncoderConfig
{
    public int Codec, Width, Height, BitDepth, FpsNum, FpsDen, Threads;
    public fixed byte Preset[32];
    public fixed byte Tune[32];
}

[StructLayout(LayoutKind.Sequential)]
internal struct EqEncoderInfo
{
    public int MaxDelayedFrames, Bframes, RcLookahead, Threads, BitDepth, RcMode;
    public double Crf;
    public int BitrateKbps, MaxrateKbps, BufsizeKbits, Keyint, Refs;

    public readonly Model.EncoderInfo ToInfo() => new(MaxDelayedFrames, Bframes, RcLookahead, Threads, BitDepth,
        RcMode == 0, Crf, BitrateKbps, MaxrateKbps, BufsizeKbits, Keyint, Refs);
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct EqEncodedFrame
{
    public byte* Data;
    public int Size, Keyframe;
    public long Pts, Dts;
    public int SliceType, Qp;
    public long ReconPts;
}

internal static unsafe class FixedText
{
    public const int ErrorLength = 512;

    /// <summary>Writes ASCII text into a fixed 32-byte field, NUL-terminated.</summary>
    public static void Write(byte* field, string? text, string what)
    {
        text ??= "";
        if (text.Length > 31) throw new ArgumentException($"{what} '{text}' is longer than 31 characters");
        int i = 0;
        for (; i < text.Length; i++) field[i] = (byte)text[i];
        field[i] = 0;
    }

    public static string Read(byte* text) => Marshal.PtrToStringUTF8((nint)text) ?? "";
}
