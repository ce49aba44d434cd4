using System.Text;
using EncodeQuality.Vmaf;
using EncodeQuality.Vmaf.Model;

namespace EncodeQuality.LibVmaf;

/// <summary>
/// VMAF by the system's libvmaf: pictures go to vmaf_read_pictures in display order (luma only,
/// VMAF_PIX_FMT_YUV400P, unless the model reads chroma, then VMAF_PIX_FMT_YUV420P; copied straight
/// from the caller's planes into libvmaf's picture: the one copy its API requires); at Flush the
/// extractors are flushed once and every scored index is read back with vmaf_score_at_index and
/// vmaf_feature_score_at_index and handed to the sink in the managed engine's output shape (vmaf plus the model's features by libvmaf's short names).
/// </summary>
public sealed unsafe class LibVmafScorer : IVmafEngine
{
    private nint _context;
    private nint _model;
    private readonly IVmafSink _sink;
    private readonly VmafOptions _options;
    private readonly byte[][] _featureKeys;
    private readonly double[] _features;
    private readonly bool _chroma;
    private uint _next;
    private bool _flushed;

    /// <param name="model">A model file path, or a name: libvmaf's built-in model of that version
    /// ("vmaf_v0.6.1"), else the model file of that name in the model folders.</param>
    /// <param name="features">The model's features: libvmaf's names (VMAF_integer_feature_adm2_score...)
    /// and the options the model sets for them.</param>
    public LibVmafScorer(string model, IReadOnlyList<VmafModel.Feature> features, VmafOptions options, IVmafSink sink)
    {
        if (!LibVmafLibrary.TryLoad(out _, out var detail)) throw new DllNotFoundException(detail);
        LibVmafApi.EnsureResolver();
        _sink = sink;
        _options = options;
        Description = $"libvmaf {LibVmafLibrary.Version()}";
        FeatureNames = features.Select(f => VmafModel.OutputName(f.Name, f.Options)).ToArray();
        _featureKeys = features.Select(f => Encoding.UTF8.GetBytes(VmafModel.CollectorName(f.Name, f.Options) + "\0")).ToArray();
        _features = new double[features.Count];
        _chroma = features.Any(f => f.Name.StartsWith("Speed_chroma_feature_", StringComparison.Ordinal));

        var cfg = new VmafConfiguration
        {
            LogLevel = VmafConstants.LogLevelError, NThreads = (uint)Math.Max(0, options.Threads - 1),
            NSubsample = (uint)options.Subsample, CpuMask = 0, GpuMask = 0,
        };
        nint ctx;
        Check("vmaf_init", LibVmafApi.Init(&ctx, cfg));
        _context = ctx;
        try
        {
            _model = LoadModel(model, options.EnableTransform);
            Check("vmaf_use_features_from_model", LibVmafApi.UseFeaturesFromModel(_context, _model));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Description { get; }
    public IReadOnlyList<string> FeatureNames { get; }

    private static nint LoadModel(string model, bool transform)
    {
        var name = Encoding.UTF8.GetBytes("vmaf\0");
        var key = Encoding.UTF8.GetBytes(model + "\0");
        fixed (byte* n = name)
        fixed (byte* k = key)
        {
            var cfg = new VmafModelConfig { Name = (nint)n, Flags = transform ? VmafConstants.ModelFlagEnableTransform : 0 };
            nint handle;
            bool isPath = File.Exists(model);
            int r = isPath ? LibVmafApi.ModelLoadFromPath(&handle, &cfg, k) : LibVmafApi.ModelLoad(&handle, &cfg, k);
            if (r == 0) return handle;
            // A libvmaf without this model built in (the v1 models) still reads the file the managed engine would.
            if (!isPath && ModelLocator.TryFind(model) is { } file)
            {
                var path = Encoding.UTF8.GetBytes(file + "\0");
                fixed (byte* p = path)
                    if (LibVmafApi.ModelLoadFromPath(&handle, &cfg, p) == 0) return handle;
            }
            throw new LibVmafModelException(model, isPath, r);
        }
    }

    public void Push(in YuvPicture reference, in YuvPicture distorted)
    {
        ObjectDisposedException.ThrowIf(_context == 0, this);
        if (_flushed) throw new InvalidOperationException("pictures pushed after flush");
        if (_chroma && (!reference.HasChroma || !distorted.HasChroma))
            throw new ArgumentException("this model reads chroma (speed_chroma): pictures need their chroma planes");
        int format = _chroma ? VmafConstants.PixFmtYuv420P : VmafConstants.PixFmtYuv400P;
        VmafPicture r = default, d = default;
        Check("vmaf_picture_alloc", LibVmafApi.PictureAlloc(&r, format, (uint)reference.BitDepth, (uint)reference.Width, (uint)reference.Height));
        int err = LibVmafApi.PictureAlloc(&d, format, (uint)distorted.BitDepth, (uint)distorted.Width, (uint)distorted.Height);
        if (err != 0)
        {
            LibVmafApi.PictureUnref(&r);
            Check("vmaf_picture_alloc", err);
        }
        Copy(reference, ref r);
        Copy(distorted, ref d);
        // libvmaf owns both pictures from here on, and unrefs them itself.
        Check("vmaf_read_pictures", LibVmafApi.ReadPictures(_context, &r, &d, _next));
        _next++;
    }

    private void Copy(in YuvPicture src, ref VmafPicture pic)
    {
        CopyPlane(src.Luma, ref pic, 0);
        if (!_chroma) return;
        CopyPlane(src.Cb, ref pic, 1);
        CopyPlane(src.Cr, ref pic, 2);
    }

    private static void CopyPlane(in SamplePlane src, ref VmafPicture pic, int plane)
    {
        int rowBytes = src.Width * (src.BitDepth > 8 ? 2 : 1);
        int srcStride = src.Stride * (src.BitDepth > 8 ? 2 : 1);
        byte* dst = (byte*)pic.Data[plane];
        long dstStride = pic.Stride[plane];
        var bytes = src.Bytes;
        for (int y = 0; y < src.Height; y++)
            bytes.Slice(y * srcStride, rowBytes).CopyTo(new Span<byte>(dst + y * dstStride, rowBytes));
    }

    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_context == 0, this);
        if (_flushed) return;
        _flushed = true;
        Check("vmaf_read_pictures (flush)", LibVmafApi.ReadPictures(_context, null, null, 0));
        if (_next == 0) return;
        double sum = 0;
        int count = 0;
        for (uint i = 0; i < _next; i += (uint)_options.Subsample)
        {
            double score;
            Check("vmaf_score_at_index", LibVmafApi.ScoreAtIndex(_context, _model, &score, i));
            sum += score;
            count++;
            for (int f = 0; f < _featureKeys.Length; f++)
            {
                double v;
                fixed (byte* k = _featureKeys[f])
                    Check("vmaf_feature_score_at_index", LibVmafApi.FeatureScoreAtIndex(_context, k, &v, i));
                _features[f] = v;
            }
            _sink.OnFrame(i, score, _features);
        }
        // libvmaf's own pooling must agree with the per-frame scores read back: a cheap check that
        // indices and subsampling mean the same thing on both sides of the binding.
        double pooled = PooledMean(), mean = sum / count;
        if (Math.Abs(pooled - mean) > 1e-6 * Math.Max(1, Math.Abs(mean)))
            throw new InvalidOperationException($"libvmaf's pooled mean {pooled:F6} disagrees with its per-frame scores (mean {mean:F6})");
    }

    /// <summary>libvmaf's pooled mean over all scored frames.</summary>
    private double PooledMean()
    {
        double score;
        Check("vmaf_score_pooled", LibVmafApi.ScorePooled(_context, _model, VmafConstants.PoolMean, &score, 0, Math.Max(1, _next) - 1));
        return score;
    }

    private static void Check(string call, int code)
    {
        if (code != 0) throw new LibVmafException(call, code);
    }

    public void Dispose()
    {
        if (_context != 0) LibVmafApi.Close(_context);
        _context = 0;
        if (_model != 0) LibVmafApi.ModelDestroy(_model);
        _model = 0;
    }
}

/// <summary>libvmaf could not load the requested model.</summary>
public sealed class LibVmafModelException(string model, bool isPath, int code)
    : Exception($"libvmaf could not load {(isPath ? "model file" : "built-in model")} '{model}' (error {code})")
{
    public int Code { get; } = code;
}
