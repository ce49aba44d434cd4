using System.Reflection;
using System.Runtime.InteropServices;

namespace EncodeQuality.LibVmaf;

/// <summary>
/// P/Invoke declarations of libvmaf's public C API. The library name "vmaf" is resolved by
/// <see cref="LibVmafLibrary"/>: EQ_LIBVMAF (a path) when set, else libvmaf.so.3, then libvmaf.so.1.
/// </summary>
internal static unsafe partial class LibVmafApi
{
    private const string Lib = "vmaf";

    static LibVmafApi() => NativeLibrary.SetDllImportResolver(typeof(LibVmafApi).Assembly, Resolve);

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name == Lib && LibVmafLibrary.TryLoad(out var handle, out _) ? handle : 0;

    /// <summary>Forces the static constructor (and so the resolver) before the first call.</summary>
    public static void EnsureResolver() { }

    [LibraryImport(Lib, EntryPoint = "vmaf_version")]
    public static partial byte* Version();

    [LibraryImport(Lib, EntryPoint = "vmaf_init")]
    public static partial int Init(nint* context, VmafConfiguration cfg);

    [LibraryImport(Lib, EntryPoint = "vmaf_close")]
    public static partial int Close(nint context);

    [LibraryImport(Lib, EntryPoint = "vmaf_model_load")]
    public static partial int ModelLoad(nint* model, VmafModelConfig* cfg, byte* version);

    [LibraryImport(Lib, EntryPoint = "vmaf_model_load_from_path")]
    public static partial int ModelLoadFromPath(nint* model, VmafModelConfig* cfg, byte* path);

    [LibraryImport(Lib, EntryPoint = "vmaf_model_destroy")]
    public static partial void ModelDestroy(nint model);

    [LibraryImport(Lib, EntryPoint = "vmaf_use_features_from_model")]
    public static partial int UseFeaturesFromModel(nint context, nint model);

    [LibraryImport(Lib, EntryPoint = "vmaf_picture_alloc")]
    public static partial int PictureAlloc(VmafPicture* picture, int pixFmt, uint bpc, uint w, uint h);

    [LibraryImport(Lib, EntryPoint = "vmaf_picture_unref")]
    public static partial int PictureUnref(VmafPicture* picture);

    [LibraryImport(Lib, EntryPoint = "vmaf_read_pictures")]
    public static partial int ReadPictures(nint context, VmafPicture* reference, VmafPicture* distorted, uint index);

    [LibraryImport(Lib, EntryPoint = "vmaf_score_at_index")]
    public static partial int ScoreAtIndex(nint context, nint model, double* score, uint index);

    [LibraryImport(Lib, EntryPoint = "vmaf_feature_score_at_index")]
    public static partial int FeatureScoreAtIndex(nint context, byte* featureName, double* score, uint index);

    [LibraryImport(Lib, EntryPoint = "vmaf_score_pooled")]
    public static partial int ScorePooled(nint context, nint model, int poolMethod, double* score, uint indexLow, uint indexHigh);
}
