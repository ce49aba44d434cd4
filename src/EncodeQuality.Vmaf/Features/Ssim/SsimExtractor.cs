namespace EncodeQuality.Vmaf.Features.Ssim;

/// <summary>
/// Luma SSIM as libvmaf's float_ssim computes it (float_ssim.c, ssim.c): the picture is first
/// decimated by f = max(1, round(min(w, h) / 256)) with an f x f box filter (symmetric edges),
/// as Wang et al. recommend for viewing distance, then <see cref="IqaSsim"/> gives the mean SSIM.
/// Deeper samples are brought to the 8-bit range first, as libvmaf's picture_copy does.
/// </summary>
internal sealed class SsimExtractor : IFeatureExtractor
{
    private static readonly string[] Names = ["float_ssim"];

    public static readonly FeatureExtractors.Entry Entry = new("float_ssim", false, Names, [],
        (c, _) => new SsimExtractor(c.Width, c.Height), _ => Names[0], (w, h, _) => WorkingSet(w, h),
        TooSmall: (w, h, _) => CannotScore(w, h)) { Metric = "ssim" };

    private readonly IqaSsim _ssim;
    private readonly int _width, _height, _scale, _w, _h;
    private readonly float[] _box, _ref, _dist, _full;

    public SsimExtractor(int width, int height) : this(width, height, simd: true) { }

    private SsimExtractor(int width, int height, bool simd)
    {
        if (CannotScore(width, height) is { } why) throw new ArgumentException(why);
        _ssim = new IqaSsim(simd);
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

    public IReadOnlyList<string> Features => Names;

    /// <summary>Why SSIM cannot score pictures of this size, or null.</summary>
    public static string? CannotScore(int width, int height) =>
        Math.Min(width, height) < IqaSsim.Window ? $"SSIM needs at least {IqaSsim.Window}x{IqaSsim.Window} pixels, got {width}x{height}" : null;

    /// <summary>The picture in float and both decimated planes, and IQA's six planes of the decimated size.</summary>
    private static long WorkingSet(int width, int height)
    {
        int scale = Math.Max(1, (int)MathF.Round(Math.Min(width, height) / 256.0f, MidpointRounding.AwayFromZero));
        long small = scale > 1 ? (long)(width / scale + (width & 1)) * (height / scale + (height & 1)) : (long)width * height;
        return 4L * width * height + 4 * (2 + 6) * small;
    }

    public void Extract(long index, FramePair frame, bool score, FeatureBoard board)
    {
        if (!score) return;
        IqaSsim.LoadLuma(frame.Reference, frame.BitDepth, _full);
        Scale(_full, _ref);
        IqaSsim.LoadLuma(frame.Distorted, frame.BitDepth, _full);
        Scale(_full, _dist);
        board.Set(index, Names[0], _ssim.Compute(_ref, _dist, _w, _h).Ssim);
    }

    /// <summary>SSIM of two luma planes already in float at 8-bit range; exposed for tests.</summary>
    internal static double Compute(float[] reference, float[] distorted, int width, int height, bool simd = true)
    {
        var m = new SsimExtractor(width, height, simd);
        m.Scale(reference, m._ref);
        m.Scale(distorted, m._dist);
        return m._ssim.Compute(m._ref, m._dist, m._w, m._h).Ssim;
    }

    private void Scale(float[] full, float[] target)
    {
        if (_scale > 1) IqaSsim.Decimate(full, _width, _height, _scale, _box, _scale, target);
        else Array.Copy(full, target, target.Length);
    }
}
