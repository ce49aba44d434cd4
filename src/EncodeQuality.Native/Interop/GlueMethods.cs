using System.Runtime.InteropServices;

namespace EncodeQuality.Native.Interop;

/// <summary>P/Invoke declarations of native/include/eqglue.h.</summary>
internal static unsafe partial class GlueMethods
{
    private const string Lib = "eqglue";

    [LibraryImport(Lib, EntryPoint = "eq_decoder_open", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint DecoderOpen(string url, EqOpenOptions* options, EqVideoInfo* info, byte* err, int errLen);
    [LibraryImport(Lib, EntryPoint = "eq_decoder_read")]
    public static partial int DecoderRead(nint dec, EqPlanes* dst, byte* err, int errLen);
    [LibraryImport(Lib, EntryPoint = "eq_decoder_close")]
    public static partial void DecoderClose(nint dec);

    [LibraryImport(Lib, EntryPoint = "eq_scaler_create")]
    public static partial nint ScalerCreate(int srcW, int srcH, int dstW, int dstH, int bitDepth, byte* err, int errLen);
    [LibraryImport(Lib, EntryPoint = "eq_scaler_scale")]
    public static partial int ScalerScale(nint s, EqPlanes* src, EqPlanes* dst);
    [LibraryImport(Lib, EntryPoint = "eq_scaler_free")]
    public static partial void ScalerFree(nint s);

    [LibraryImport(Lib, EntryPoint = "eq_encoder_plan")]
    public static partial int EncoderPlan(EqEncoderConfig* cfg, byte** keys, byte** values, int nParams, EqEncoderInfo* info, byte* err, int errLen);
    [LibraryImport(Lib, EntryPoint = "eq_encoder_open")]
    public static partial nint EncoderOpen(EqEncoderConfig* cfg, byte** keys, byte** values, int nParams, byte* err, int errLen);
    [LibraryImport(Lib, EntryPoint = "eq_encoder_info")]
    public static partial void EncoderInfo(nint enc, EqEncoderInfo* info);
    [LibraryImport(Lib, EntryPoint = "eq_encoder_headers")]
    public static partial int EncoderHeaders(nint enc, byte** data, int* size);
    [LibraryImport(Lib, EntryPoint = "eq_encoder_encode")]
    public static partial int EncoderEncode(nint enc, EqPlanes* pic, long pts, int keyframe, EqPlanes* recon, EqEncodedFrame* output, byte* err, int errLen);
    [LibraryImport(Lib, EntryPoint = "eq_encoder_close")]
    public static partial void EncoderClose(nint enc);

    [LibraryImport(Lib, EntryPoint = "eq_muxer_open", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint MuxerOpen(string path, string format, int codec, int width, int height, int bitDepth,
        int fpsNum, int fpsDen, byte* extradata, int extradataSize, byte* err, int errLen);
    [LibraryImport(Lib, EntryPoint = "eq_muxer_write")]
    public static partial int MuxerWrite(nint m, byte* data, int size, long pts, long dts, int keyframe, byte* err, int errLen);
    [LibraryImport(Lib, EntryPoint = "eq_muxer_finish")]
    public static partial int MuxerFinish(nint m, byte* err, int errLen);
    [LibraryImport(Lib, EntryPoint = "eq_muxer_free")]
    public static partial void MuxerFree(nint m);

    [LibraryImport(Lib, EntryPoint = "eq_log_route")]
    public static partial void LogRoute(delegate* unmanaged<int, byte*, void> fn, int level);

    [LibraryImport(Lib, EntryPoint = "eq_versions")]
    public static partial byte* Versions();
}
