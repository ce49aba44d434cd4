using System.Numerics;

namespace EncodeQuality.Vmaf.Features.Speed;

/// <summary>
/// speed_chroma as libvmaf master defines it (speed.c, vmaf_fex_speed_chroma): SpEED of the Cb
/// and Cr planes (4:2:0, so each is half the picture's width and height, rounded down), logged
/// as speed_chroma_u, speed_chroma_v and their mean speed_chroma_uv, each clipped at
/// speed_max_val. When one plane's covariance is singular (a flat plane), uv takes the other
/// plane's score.
/// </summary>
internal sealed class SpeedChromaExtractor : IFeatureExtractor
{
    public static readonly OptionSpec[] Specs =
    [
        new("speed_kernelscale", "ks", 1.0, Min: 0.1, Max: 4.0),
        new("speed_prescale", "ps", 1.0, Min: 0.1, Max: 4.0),
        new("speed_prescale_method", "psm", 0, Choices: SpeedPrescaler.Methods),
        new("speed_sigma_nn", "snn", 0.29, Min: 0.1, Max: 2.0),
        new("speed_nn_floor", "nnf", 0.0, Min: 0.0, Max: 1.0),
        new("speed_max_val", "mxv", 1000.0, Min: 0.0, Max: 1000.0),
        new("speed_weight_var_mode", "wvm", 0, Min: 0, Max: 6),
    ];

    public static readonly FeatureExtractors.Entry Entry = new("speed_chroma", false,
        ["Speed_chroma_feature_speed_chroma_u_score", "Speed_chroma_feature_speed_chroma_v_score", "Speed_chroma_feature_speed_chroma_uv_score"],
        Specs,
        (c, o) => new SpeedChromaExtractor(c.Width, c.Height, o),
        n => n.Replace("Speed_chroma_feature_", "").Replace("_score", ""),
        WorkingSet,
        UsesChroma: true, TooSmall: TooSmall) { Metric = "speed_chroma" };

    private readonly string[] _names;
    private readonly double _maxValue;
    private readonly int _width, _height;
    private readonly SpeedEstimator[] _planes;

    public static SpeedSettings Settings(FeatureOptions o)
    {
        float kernelScale = (float)o["speed_kernelscale"];
        if (!GaussianKernel.IsValidScale(kernelScale))
            throw new FormatException($"speed_chroma option speed_kernelscale {FeatureOptions.FormatG(o["speed_kernelscale"])} is not one of the kernel scales libvmaf accepts");
        return new SpeedSettings(kernelScale, o["speed_prescale"], (int)o["speed_prescale_method"],
            (float)o["speed_sigma_nn"], (float)o["speed_nn_floor"], (int)o["speed_weight_var_mode"]);
    }

    /// <summary>Why a picture of this size is too small for these options, or null.</summary>
    public static string? TooSmall(int width, int height, FeatureOptions o) =>
        SpeedEstimator.TooSmall(width / 2, height / 2, o["speed_prescale"]) is { } why ? $"speed_chroma{o.Suffix}: {why}" : null;

    /// <summary>The two planes' estimators.</summary>
    public static long WorkingSet(int width, int height, FeatureOptions options) =>
        2 * SpeedEstimator.WorkingSet(width / 2, height / 2, Settings(options));

    public SpeedChromaExtractor(int width, int height, FeatureOptions options)
    {
        if (TooSmall(width, height, options) is { } why) throw new ArgumentException(why);
        var settings = Settings(options);
        (_width, _height) = (width / 2, height / 2);
        _planes = [new SpeedEstimator(_width, _height, settings), new SpeedEstimator(_width, _height, settings)];
        _maxValue = options["speed_max_val"];
        _names = [.. new[] { "speed_chroma_u", "speed_chroma_v", "speed_chroma_uv" }.Select(n => n + options.Suffix)];
    }

    public IReadOnlyList<string> Features => _names;

    public void Extract(long index, FramePair frame, bool score, FeatureBoard board)
    {
        if (!score) return;
        var (u, uSingular) = Plane(_planes[0], frame.ReferenceCb, frame.DistortedCb, frame);
        var (v, vSingular) = Plane(_planes[1], frame.ReferenceCr, frame.DistortedCr, frame);
        float uv = uSingular && !vSingular ? v : vSingular && !uSingular ? u : (float)((u + v) / 2.0);
        board.Set(index, _names[0], Math.Min(u, _maxValue));
        board.Set(index, _names[1], Math.Min(v, _maxValue));
        board.Set(index, _names[2], Math.Min(uv, _maxValue));
    }

    /// <summary>One plane's SpEED score, and whether a covariance was singular.</summary>
    private (float Score, bool Singular) Plane(SpeedEstimator speed, ushort[] reference, ushort[] distorted, FramePair f)
    {
        Load(reference, f, speed.Input);
        bool refOk = speed.Load(reference: true);
        Load(distorted, f, speed.Input);
        bool disOk = speed.Load(reference: false);
        return (speed.Score(refOk, disOk), !refOk || !disOk);
    }

    /// <summary>libvmaf's picture_copy: samples as floats on the 8-bit scale, offset by -128.</summary>
    private void Load(ushort[] plane, FramePair f, Span<float> target)
    {
        int stride = f.ChromaWidth;
        // Dividing by a power of two is exact, so 8-bit samples take the same path with a divisor of 1.
        float scaler = 1 << (f.BitDepth - 8);
        var scale = new Vector<float>(scaler);
        var offset = new Vector<float>(-128);
        for (int y = 0; y < _height; y++)
        {
            var from = plane.AsSpan(y * stride, _width);
            var to = target.Slice(y * _width, _width);
            int x = 0;
            if (Vector.IsHardwareAccelerated)
                for (; x + Vector<ushort>.Count <= _width; x += Vector<ushort>.Count)
                {
                    Vector.Widen(new Vector<ushort>(from[x..]), out var low, out var high);
                    (Vector.ConvertToSingle(Vector.AsVectorInt32(low)) / scale + offset).CopyTo(to[x..]);
                    (Vector.ConvertToSingle(Vector.AsVectorInt32(high)) / scale + offset).CopyTo(to[(x + Vector<float>.Count)..]);
                }
            for (; x < _width; x++) to[x] = (float)from[x] / scaler + -128;
        }
    }
}
