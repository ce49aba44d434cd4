using EncodeQuality.Native.Frames;
using EncodeQuality.Model;

namespace EncodeQuality.Metrics;

/// <summary>
/// Multi-scale SSIM of the luma (Wang, Simoncelli and Bovik 2003) as libvmaf's float_ms_ssim
/// computes it (ms_ssim.c): five scales, each made from the previous by IQA's 9x9 low-pass and a
/// 2x decimation (symmetric edges); at each scale the means of SSIM's l, c and s terms from
/// <see cref="IqaSsim"/>; the score is the product of l^alpha c^beta s^gamma over the scales with
/// Wang's exponents. Written as float_ms_ssim. Needs 176 pixels on the short side (11 at the
/// fifth scale).
/// </summary>
public sealed class MsSsimMetric : IFrameMetric
{
    private const int Scales = 5;
    private const int LpfLength = 9;
    private static readonly string[] Names = ["float_ms_ssim"];

    // libvmaf ms_ssim.c: g_lpf (the 9x9 low-pass, as printed there) and Wang's exponents.
    private static readonly float[] Lpf =
    [
         0.000714f, -0.000450f, -0.002090f,  0.007132f,  0.016114f,  0.007132f, -0.002090f, -0.000450f,  0.000714f,
        -0.000450f,  0.000283f,  0.001316f, -0.004490f, -0.010146f, -0.004490f,  0.001316f,  0.000283f, -0.000450f,
        -0.002090f,  0.001316f,  0.006115f, -0.020867f, -0.047149f, -0.020867f,  0.006115f,  0.001316f, -0.002090f,
         0.007132f, -0.004490f, -0.020867f,  0.071207f,  0.160885f,  0.071207f, -0.020867f, -0.004490f,  0.007132f,
         0.016114f, -0.010146f, -0.047149f,  0.160885f,  0.363505f,  0.160885f, -0.047149f, -0.010146f,  0.016114f,
         0.007132f, -0.004490f, -0.020867f,  0.071207f,  0.160885f,  0.071207f, -0.020867f, -0.004490f,  0.007132f,
        -0.002090f,  0.001316f,  0.006115f, -0.020867f, -0.047149f, -0.020867f,  0.006115f,  0.001316f, -0.002090f,
        -0.000450f,  0.000283f,  0.001316f, -0.004490f, -0.010146f, -0.004490f,  0.001316f,  0.000283f, -0.000450f,
         0.000714f, -0.000450f, -0.002090f,  0.007132f,  0.016114f,  0.007132f, -0.002090f, -0.000450f,  0.000714f,
    ];
    private static readonly float[] Alphas = [0.0000f, 0.0000f, 0.0000f, 0.0000f, 0.1333f];
    private static readonly float[] Betas = [0.0448f, 0.2856f, 0.3001f, 0.2363f, 0.1333f];
    private static readonly float[] Gammas = [0.0448f, 0.2856f, 0.3001f, 0.2363f, 0.1333f];

    /// <summary>The smallest side MS-SSIM takes: the 11-tap window must fit at the fifth scale.</summary>
    public const int MinimumSide = IqaSsim.Window << (Scales - 1);

    private readonly IqaSsim _ssim = new();
    private int _column = -1, _width, _height;
    private readonly float[][] _ref = new float[Scales][], _dist = new float[Scales][];

    public IReadOnlyList<string> FeatureNames => Names;

    public bool Temporal => false;

    public void Push(long frameIndex, VideoFrame reference, VideoFrame distorted, ScoreSheet sheet)
    {
        if (_column < 0) _column = sheet.Column(Names[0]);
        var f = reference.Format;
        if (distorted.Format != f) throw new ArgumentException($"MS-SSIM needs frames of one format, got {f} and {distorted.Format}");
        Prepare(f.Width, f.Height);
        IqaSsim.LoadLuma(reference, _ref[0]);
        IqaSsim.LoadLuma(distorted, _dist[0]);
        sheet.Set(_column, frameIndex, Compute());
    }

    /// <summary>Why MS-SSIM cannot score pictures of this size, or null.</summary>
    public static string? CannotScore(int width, int height) =>
        Math.Min(width, height) < MinimumSide ? $"MS-SSIM needs at least {MinimumSide} pixels on each side, got {width}x{height}" : null;

    private void Prepare(int width, int height)
    {
        if (width == _width && height == _height) return;
        if (CannotScore(width, height) is { } why) throw new ArgumentException(why);
        _width = width;
        _height = height;
        int w = width, h = height;
        for (int i = 0; i < Scales; i++)
        {
            _ref[i] = new float[w * h];
            _dist[i] = new float[w * h];
            w = w / 2 + (w & 1);
            h = h / 2 + (h & 1);
        }
    }

    private double Compute()
    {
        int w = _width, h = _height;
        double msssim = 1.0;
        for (int i = 0; i < Scales; i++)
        {
            if (i > 0)
            {
                IqaSsim.Decimate(_ref[i - 1], w, h, 2, Lpf, LpfLength, _ref[i]);
                (w, h) = IqaSsim.Decimate(_dist[i - 1], w, h, 2, Lpf, LpfLength, _dist[i]);
            }
            var (_, l, c, s) = _ssim.Compute(_ref[i], _dist[i], w, h);
            msssim *= Math.Pow(l, Alphas[i]) * Math.Pow(c, Betas[i]) * Math.Pow(s, Gammas[i]);
        }
        return msssim;
    }

    public void Flush(ScoreSheet sheet) { }

    public void Dispose() { }
}
