using EncodeQuality.Native.Frames;
using EncodeQuality.Model;

namespace EncodeQuality.Metrics;

/// <summary>
/// Luma SSIM as libvmaf's float_ssim computes it (float_ssim.c, ssim.c): the picture is first
/// decimated by f = max(1, round(min(w, h) / 256)) with an f x f box filter (symmetric edges),
/// as Wang et al. recommend for viewing distance, then <see cref="IqaSsim"/> gives the mean SSIM.
/// Deeper samples are brought to the 8-bit range first, as libvmaf's picture_copy does.
/// </summary>
public sealed class SsimMetric : IFrameMetric
{
    private static readonly string[] Names = ["float_ssim"];

    private readonly IqaSsim _ssim;
    private int _column = -1;
    private int _width, _height, _scale, _w, _h;
    private float[] _box = [], _ref = [], _dist = [], _full = [];

    public SsimMetric() : this(simd: true) { }

    private SsimMetric(bool simd) => _ssim = new IqaSsim(simd);

    public IReadOnlyList<string> FeatureNames => Names;

    /// <summary>Why SSIM cannot score pictures of this size, or null.</summary>
    public static string? CannotScore(int width, int height) =>
        Math.Min(width, height) < IqaSsim.Window ? $"SSIM needs at least {IqaSsim.Window}x{IqaSsim.Window} pixels, got {width}x{height}" : null;

    public bool Temporal => false;

    public void Push(long frameIndex, VideoFrame reference, VideoFrame distorted, ScoreSheet sheet)
    {
        if (_column < 0) _column = sheet.Column(Names[0]);
        var f = reference.Format;
        if (distorted.Format != f) throw new ArgumentException($"SSIM needs frames of one format, got {f} and {distorted.Format}");
        Prepare(f.Width, f.Height);
        IqaSsim.LoadLuma(reference, _full);
        Scale(_full, _ref);
        IqaSsim.LoadLuma(distorted, _full);
        Scale(_full, _dist);
        sheet.Set(_column, frameIndex, _ssim.Compute(_ref, _dist, _w, _h).Ssim);
    }

    /// <summary>SSIM of two luma planes already in float at 8-bit range; exposed for tests.</summary>
    internal static double Compute(float[] reference, float[] distorted, int width, int height, bool simd = true)
    {
        var m = new SsimMetric(simd);
        m.Prepare(width, height);
        m.Scale(reference, m._ref);
        m.Scale(distorted, m._dist);
        return m._ssim.Compute(m._ref, m._dist, m._w, m._h).Ssim;
    }

    private void Prepare(int width, int height)
    {
        if (width == _width && height == _height) return;
        if (CannotScore(width, height) is { } why) throw new ArgumentException(why);
        _width = width;
        _height = height;
        // ssim.c: _max(1, _round((float)_min(w, h) / 256.0f)).
        _scale = Math.Max(1, (int)MathF.Round(Math.Min(width, height) / 256.0f, MidpointRounding.AwayFromZero));
        _w = _scale > 1 ? width / _scale + (width & 1) : width;
        _h = _scale > 1 ? height / _scale + (height & 1) : height;
        _ref = new float[_w * _h];
        _dist = new float[_w * _h];
        _full = new float[width * height];
        _box = [.. Enumerable.Repeat(1.0f / (_scale * _scale), _scale * _scale)];
    }

    private void Scale(float[] full, float[] target)
    {
        if (_scale > 1) IqaSsim.Decimate(full, _width, _height, _scale, _box, _scale, target);
        else Array.Copy(full, target, target.Length);
    }

    public void Flush(ScoreSheet sheet) { }

    public void Dispose() { }
}
