namespace EncodeQuality.Vmaf.Features.Ssim;

/// <summary>
/// Multi-scale SSIM of the luma (Wang, Simoncelli and Bovik 2003) as libvmaf's float_ms_ssim
/// computes it (ms_ssim.c): five scales, each made from the previous by IQA's 9x9 low-pass and a
/// 2x decimation (symmetric edges); at each scale the means of SSIM's l, c and s terms from
/// <see cref="IqaSsim"/>; the score is the product of l^alpha c^beta s^gamma over the scales with
/// Wang's exponents. Written as float_ms_ssim. Needs 176 pixels on the short side (11 at the
/// fifth scale).
/// </summary>
internal sealed class MsSsimExtractor : IFeatureExtractor
{
    private const int Scales = 5;
    private const int LpfLength = 9;
    private static readonly string[] Names = ["float_ms_ssim"];

    public static readonly FeatureExtractors.Entry Entry = new("float_ms_ssim", false, Names, [],
        (c, _) => new MsSsimExtractor(c.Width, c.Height), _ => Names[0], (w, h, _) => WorkingSet(w, h),
        TooSmall: (w, h, _) => CannotScore(w, h)) { Metric = "ms_ssim" };

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
    private readonly int _width, _height;
    private readonly float[][] _ref = new float[Scales][], _dist = new float[Scales][];

    public MsSsimExtractor(int width, int height)
    {
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

    public IReadOnlyList<string> Features => Names;

    /// <summary>Floats: both pictures at every scale (4/3 of a picture each) and IQA's six planes of the first scale, under 9 pictures.</summary>
    private static long WorkingSet(int width, int height) => 4L * width * height * 9;

    public void Extract(long index, FramePair frame, bool score, FeatureBoard board)
    {
        if (!score) return;
        IqaSsim.LoadLuma(frame.Reference, frame.BitDepth, _ref[0]);
        IqaSsim.LoadLuma(frame.Distorted, frame.BitDepth, _dist[0]);
        board.Set(index, Names[0], Compute());
    }

    /// <summary>Why MS-SSIM cannot score pictures of this size, or null.</summary>
    public static string? CannotScore(int width, int height) =>
        Math.Min(width, height) < MinimumSide ? $"MS-SSIM needs at least {MinimumSide} pixels on each side, got {width}x{height}" : null;

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
}
