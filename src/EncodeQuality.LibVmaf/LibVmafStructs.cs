using System.Runtime.InteropServices;

namespace EncodeQuality.LibVmaf;

// The structs libvmaf's public API takes, written from libvmaf/include/libvmaf/{libvmaf,model,picture}.h
// (Netflix/vmaf, v2 and v3). Only what the calls below need.

/// <summary>libvmaf.h VmafConfiguration. v3 appended gpumask; passing the longer struct to v2 is harmless.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct VmafConfiguration
{
    public int LogLevel;      // enum VmafLogLevel
    public uint NThreads;
    public uint NSubsample;
    public ulong CpuMask;
    public ulong GpuMask;
}

/// <summary>model.h VmafModelConfig: const char *name; flags (enum in v2, uint64_t in v3: same low bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct VmafModelConfig
{
    public nint Name;
    public ulong Flags;
}

/// <summary>
/// picture.h VmafPicture up to its data pointers, which is all this binding reads; libvmaf fills it in
/// vmaf_picture_alloc. A zeroed reserve follows because builds differ in what comes after data.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct VmafPicture
{
    public int PixFmt;        // enum VmafPixelFormat
    public uint Bpc;
    public fixed uint W[3];
    public fixed uint H[3];
    public fixed long Stride[3];   // ptrdiff_t, bytes
    public fixed ulong Data[3];    // void *
    public fixed byte Reserved[192];
}

internal static class VmafConstants
{
    public const int LogLevelNone = 0;
    public const int LogLevelError = 1;
    public const int PixFmtYuv420P = 1;       // VMAF_PIX_FMT_YUV420P
    public const int PixFmtYuv400P = 4;       // VMAF_PIX_FMT_YUV400P: luma only
    public const ulong ModelFlagEnableTransform = 1 << 1;
    public const int PoolMean = 3;            // VMAF_POOL_METHOD_MEAN
}
