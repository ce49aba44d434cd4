using EncodeQuality.Vmaf.Features;
using EncodeQuality.Vmaf.Model;

namespace EncodeQuality.Vmaf;

/// <summary>
/// Streaming VMAF: push (reference, distorted) luma pairs in display order; each scored frame is
/// reported to the sink once final, which is when the next frame arrives (motion2 looks one
/// frame ahead) or at <see cref="Flush"/>. Buffers are allocated once for the picture size.
/// </summary>
public sealed class VmafScorer : IVmafEngine
{
    private readonly VmafModel _model;
    private readonly VmafOptions _options;
    private readonly IVmafSink _sink;
    private readonly FloatPlane _ref, _dist;
    private readonly VifExtractor _vif;
    private readonly AdmExtractor _adm;
    private readonly MotionExtractor _motion;
    private readonly FeatureBoard _board;
    private readonly int[] _modelColumns;
    private readonly double[] _modelInput;
    private readonly ParallelOptions _parallel;
    private long _next;
    // The frame being extracted, read by the two cached work items (no closure per frame).
    private long _index;
    private bool _score;
    private readonly Action _spatial, _temporal;
    private long _pendingIndex = -1;

    public const int MinimumSize = 16;

    public VmafScorer(VmafModel model, int width, int height, VmafOptions options, IVmafSink sink)
    {
        if (width < MinimumSize || height < MinimumSize)
            throw new ArgumentException($"VMAF needs at least {MinimumSize}x{MinimumSize} pixels, got {width}x{height}");
        if (options.Subsample < 1) throw new ArgumentException("subsample must be at least 1");
        _model = model;
        _options = options;
        _sink = sink;
        Width = width;
        Height = height;
        _ref = new FloatPlane(width, height);
        _dist = new FloatPlane(width, height);
        _vif = new VifExtractor(width, height, model.VifGainLimit);
        _adm = new AdmExtractor(width, height, model.AdmGainLimit);
        _motion = new MotionExtractor(width, height);
        FeatureNames = [.. _vif.Features, .. _adm.Features, .. _motion.Features];
        _board = new FeatureBoard(FeatureNames);
        _modelColumns = model.Features.Select(f => FeatureNames.ToList().IndexOf(f) is var i and >= 0
            ? i : throw new NotSupportedException($"model '{model.Name}' needs feature '{f}', which this engine does not compute")).ToArray();
        _modelInput = new double[model.Features.Count];
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Threads) };
        _spatial = () => _vif.Extract(_index, _ref, _dist, _score, _board);
        _temporal = () =>
        {
            _adm.Extract(_index, _ref, _dist, _score, _board);
            _motion.Extract(_index, _ref, _dist, _score, _board);
        };
    }

    public string Description => "managed";

    public void Dispose() { }

    public int Width { get; }
    public int Height { get; }
    public IReadOnlyList<string> FeatureNames { get; }
    public VmafModel Model => _model;

    public void Push(in LumaFrame reference, in LumaFrame distorted)
    {
        if (reference.Width != Width || reference.Height != Height || distorted.Width != Width || distorted.Height != Height)
            throw new ArgumentException($"frames must be {Width}x{Height}");
        reference.ToFloat(_ref);
        distorted.ToFloat(_dist);
        _index = _next++;
        _score = _index % _options.Subsample == 0;
        if (_options.Threads > 1) Parallel.Invoke(_parallel, _spatial, _temporal);
        else
        {
            _spatial();
            _temporal();
        }
        long index = _index;
        bool score = _score;
        EmitCompleted();
        if (score) _pendingIndex = index;
    }

    public void Flush()
    {
        _vif.Flush(_board);
        _adm.Flush(_board);
        _motion.Flush(_board);
        EmitCompleted();
        if (_pendingIndex >= 0) throw new InvalidOperationException($"frame {_pendingIndex} never completed");
    }

    /// <summary>The previously pending frame completes when the current one is pushed.</summary>
    private void EmitCompleted()
    {
        if (_pendingIndex < 0 || !_board.IsComplete(_pendingIndex)) return;
        var values = _board.Values(_pendingIndex);
        for (int i = 0; i < _modelColumns.Length; i++) _modelInput[i] = values[_modelColumns[i]];
        double vmaf = _model.Predict(_modelInput, _options.EnableTransform);
        _sink.OnFrame(_pendingIndex, vmaf, values);
        _board.Close(_pendingIndex);
        _pendingIndex = -1;
    }
}
