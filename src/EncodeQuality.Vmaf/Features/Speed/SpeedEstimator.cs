using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EncodeQuality.Vmaf.Features.Speed;

/// <summary>What SpEED's options set (speed.c SpeedOptions).</summary>
internal sealed record SpeedSettings(float KernelScale, double Prescale, int PrescaleMethod, float SigmaNn, float NnFloor, int WeightVarMode);

/// <summary>
/// SpEED (Bampis, Gupta, Soundararajan and Bovik's spatial efficient entropic differencing) of one
/// plane pair, as libvmaf master's speed.c computes it in float: each plane, offset by -128, is
/// optionally resized, low-passed (a Gaussian the size of VIF's scale-1 filter, twice its
/// deviation), decimated by 16, and has its local mean (a 3-tap Gaussian) removed. On that
/// picture, 5 x 5 blocks give a 25 x 25 covariance matrix over every block offset, its
/// eigenvalues, and per block the variance estimate from solving the covariance system; each
/// block's entropy sums log2 of eigenvalue times variance plus the neural noise. The score is the
/// mean over blocks of the variance-weighted entropy difference, blocks below the noise floor's
/// entropy in both pictures counting 0. All buffers are allocated once per plane size.
/// </summary>
internal sealed class SpeedEstimator
{
    private const int Scales = 4;      // NUM_SCALES: the decimation is 2^4
    private const int Block = 5;       // DEFAULT_BLOCK_SIZE
    private const int BlockElements = Block * Block;
    private const double Eps = 1e-6;   // EIGENVALUE_EPS
    private static readonly double Log2TwoPiE = Math.Log2(2 * Math.PI * Math.E);

    private readonly SpeedSettings _s;
    private readonly int _origW, _origH, _scaledW, _scaledH, _opW, _opH, _truncW, _truncH, _blocksH, _blocks, _subW, _subH;
    private readonly SpeedPrescaler? _prescaler;
    private readonly float[] _antialias, _localMean;
    private readonly float[] _frame, _filtered, _scaledCopy, _row;
    private readonly float[] _means = new float[BlockElements], _cov = new float[BlockElements * BlockElements];
    private readonly float[] _eigen = new float[BlockElements];
    private readonly float[] _independent, _solution;
    private readonly SymmetricEigenvalues _eigenSolver = new(BlockElements);
    private readonly HouseholderSolver _solver;
    private readonly Result _ref, _dis;

    private sealed class Result(int blocks)
    {
        public readonly float[] Entropies = new float[blocks], Variances = new float[blocks];
    }

    /// <summary>Why SpEED cannot work on a plane of this size with these settings, or null.</summary>
    public static string? TooSmall(int width, int height, double prescale)
    {
        var (w, h) = Scaled(width, height, prescale);
        return (w >> Scales) / Block == 0 || (h >> Scales) / Block == 0
            ? $"SpEED: a {width}x{height} plane{(Math.Abs(prescale - 1.0) < 1e-3 ? "" : $" at prescale {prescale:G6}")} is too small (it needs {16 * Block}x{16 * Block} after the prescale)"
            : null;
    }

    /// <summary>Bytes of an estimator's buffers (as its constructor allocates them).</summary>
    public static long WorkingSet(int width, int height, SpeedSettings settings)
    {
        var (sw, sh) = Scaled(width, height, settings.Prescale);
        long blocks = (long)((sw >> Scales) / Block) * ((sh >> Scales) / Block);
        long area = (long)Math.Max(width, sw) * Math.Max(height, sh);
        bool prescaled = Math.Abs(settings.Prescale - 1.0) >= 1e-3;
        return 4 * (2 * area + (prescaled ? (long)width * height : 0) + Math.Max(width, sw)
            + 3 * BlockElements * blocks + 4 * blocks + 4 * BlockElements * BlockElements)
            + (prescaled ? 12L * sw : 0);
    }

    private static (int W, int H) Scaled(int w, int h, double prescale) => ((int)(w * prescale + 0.5), (int)(h * prescale + 0.5));

    public SpeedEstimator(int width, int height, SpeedSettings settings)
    {
        if (TooSmall(width, height, settings.Prescale) is { } why) throw new ArgumentException(why);
        _s = settings;
        (_origW, _origH) = (width, height);
        (_scaledW, _scaledH) = Scaled(width, height, settings.Prescale);
        (_opW, _opH) = (_scaledW >> Scales, _scaledH >> Scales);
        (_truncW, _truncH) = (_opW / Block * Block, _opH / Block * Block);
        _blocksH = _truncW / Block;
        _blocks = _blocksH * (_truncH / Block);
        (_subW, _subH) = (_truncW - Block + 1, _truncH - Block + 1);
        if (Math.Abs(settings.Prescale - 1.0) >= 1e-3)
            _prescaler = new SpeedPrescaler(settings.PrescaleMethod, width, height, _scaledW, _scaledH);
        int n1 = GaussianKernel.Size(1, settings.KernelScale);
        _antialias = GaussianKernel.Taps(n1, (float)(Math.Sqrt(Scales) * n1 / 5.0f));
        int n4 = GaussianKernel.Size(Scales, settings.KernelScale);
        _localMean = GaussianKernel.Taps(n4, n4 / 5.0f);
        int area = Math.Max(width, _scaledW) * Math.Max(height, _scaledH);
        _frame = new float[area];
        _filtered = new float[area];
        _scaledCopy = _prescaler is null ? [] : new float[width * height];
        _row = new float[Math.Max(width, _scaledW)];
        _independent = new float[BlockElements * _blocks];
        _solution = new float[BlockElements * _blocks];
        _solver = new HouseholderSolver(BlockElements, _blocks);
        _ref = new Result(_blocks);
        _dis = new Result(_blocks);
    }

    /// <summary>The plane to fill before each <see cref="Load"/>: width x height floats, packed.</summary>
    public Span<float> Input => _frame.AsSpan(0, _origW * _origH);

    /// <summary>Estimates the plane just written to <see cref="Input"/> as the reference or the distorted one; false when singular.</summary>
    public bool Load(bool reference) => Estimate(reference ? _ref : _dis);

    /// <summary>The score of the last reference and distorted planes (0 when only one was singular).</summary>
    public float Score(bool referenceOk, bool distortedOk)
    {
        if (referenceOk != distortedOk) return 0.0f;
        float score = 0;
        float baseEntropy = (float)(BlockElements * (Math.Log2((1 + _s.NnFloor) * _s.SigmaNn) + Log2TwoPiE));
        var (re, rv, de, dv) = (_ref.Entropies, _ref.Variances, _dis.Entropies, _dis.Variances);
        for (int i = 0; i < _blocks; i++)
        {
            if (re[i] < baseEntropy && de[i] < baseEntropy) continue;
            float spatialRef, spatialDis;
            switch (_s.WeightVarMode)
            {
                case 0: spatialRef = (float)(re[i] * Math.Log2(1 + rv[i])); spatialDis = (float)(de[i] * Math.Log2(1 + dv[i])); break;
                case 1: spatialRef = (float)(re[i] * Math.Log2(1 + rv[i])); spatialDis = (float)(de[i] * Math.Log2(1 + rv[i])); break;
                case 2: spatialRef = (float)(re[i] * Math.Log2(1 + dv[i])); spatialDis = (float)(de[i] * Math.Log2(1 + dv[i])); break;
                case 3:
                    spatialRef = (float)(re[i] * Math.Log2(1 + (rv[i] + dv[i]) / 2.0));
                    spatialDis = (float)(de[i] * Math.Log2(1 + (rv[i] + dv[i]) / 2.0));
                    break;
                case 4: spatialRef = (float)(re[i] * Math.Log2(1 + rv[i])); spatialDis = (float)(de[i] * Math.Log2(1 + (rv[i] + dv[i]) / 2.0)); break;
                case 5: spatialRef = (float)(re[i] * Math.Log2(1 + rv[i])); spatialDis = (float)(de[i] * Math.Log2(1 + (0.75 * rv[i] + 0.25 * dv[i]))); break;
                default: spatialRef = (float)(re[i] * Math.Log2(1 + rv[i])); spatialDis = (float)(de[i] * Math.Log2(1 + (0.25 * rv[i] + 0.75 * dv[i]))); break;
            }
            score += MathF.Abs(spatialRef - spatialDis);
        }
        return score / _blocks;
    }

    private bool Estimate(Result output)
    {
        FilterAndDecimate();
        int stride = _opW;
        var data = _frame;
        // Step 1: the covariance of the 25 block offsets, each over the sub-picture it shifts.
        for (int r = 0; r < Block; r++)
            for (int c = 0; c < Block; c++)
            {
                float sum = 0;
                for (int i = 0; i < _subH; i++)
                    for (int j = 0; j < _subW; j++) sum += data[(r + i) * stride + c + j];
                _means[r * Block + c] = sum / (_subW * _subH);
            }
        Span<double> sums = stackalloc double[Block];
        for (int xi = 0; xi < BlockElements; xi++)
            for (int row = 0; row <= xi / Block; row++)
            {
                // The five offsets of one row at once, each its own sum in its own order.
                int x0 = (xi / Block) * stride + xi % Block, y0 = row * stride;
                if (Vector256.IsHardwareAccelerated) CovarianceRow(data, stride, x0, y0, _means[xi], _means.AsSpan(row * Block, Block), sums);
                else
                    for (int c = 0; c < Block; c++) sums[c] = Covariance(data, stride, x0, y0 + c, _means[xi], _means[row * Block + c]);
                for (int c = 0; c < Block && row * Block + c <= xi; c++)
                {
                    int yi = row * Block + c;
                    float cov = (float)(sums[c] / (_subW * _subH));
                    _cov[xi * BlockElements + yi] = cov;
                    _cov[yi * BlockElements + xi] = cov;
                }
            }
        // Step 2: its eigenvalues. Step 3: the samples of each block offset, block by block.
        _eigenSolver.Compute(_cov, _eigen);
        for (int si = 0; si < Block; si++)
            for (int sj = 0; sj < Block; sj++)
                for (int i = si; i < _truncH; i += Block)
                    for (int j = sj; j < _truncW; j += Block)
                        _independent[(si * Block + sj) * _blocks + (i - si) / Block * _blocksH + (j - sj) / Block] = data[i * stride + j];
        // Step 4: solve K X = Y; a singular K gives zero variances.
        bool regular = true;
        foreach (float e in _eigen) regular &= e >= Eps;
        bool solved = regular && _solver.Solve(_cov, _independent, _solution);
        if (!solved) Array.Clear(_solution);
        // Steps 5 and 6: each block's variance, the column sums of X * Y / 25.
        for (int i = 0; i < _solution.Length; i++) _solution[i] = _solution[i] * _independent[i] / (float)BlockElements;
        for (int i = 1; i < BlockElements; i++)
            for (int j = 0; j < _blocks; j++) _solution[j] += _solution[i * _blocks + j];
        // Steps 8 and 9: each block's entropy over the eigenvalues.
        var entropies = output.Entropies;
        Array.Clear(entropies);
        for (int k = 0; k < BlockElements; k++)
        {
            float l = _eigen[k] < 0 ? 0 : _eigen[k];
            for (int b = 0; b < _blocks; b++) entropies[b] = (float)(entropies[b] + (Math.Log2(l * _solution[b] + _s.SigmaNn) + Log2TwoPiE));
        }
        _solution.AsSpan(0, _blocks).CopyTo(output.Variances);
        return solved;
    }

    /// <summary>Sum of centred products of two shifted sub-pictures, in double (compute_cov_kernel).</summary>
    private double Covariance(float[] data, int stride, int x0, int y0, double meanX, double meanY)
    {
        double sum = 0;
        for (int i = 0; i < _subH; i++)
        {
            int rx = x0 + i * stride, ry = y0 + i * stride;
            for (int j = 0; j < _subW; j++) sum += (data[rx + j] - meanX) * (data[ry + j] - meanY);
        }
        return sum;
    }

    /// <summary>
    /// <see cref="Covariance"/> of x against the five sub-pictures at y0 .. y0 + 4, in the lanes
    /// of two vectors (offsets 0-3, then 4 in the second's first lane; its other lanes are
    /// discarded). Each lane does the scalar form's operations on its own sum in the same order
    /// (no fused multiply-add), so the sums are the scalar ones; several chains in flight instead
    /// of one is the whole gain. Everything stays in vectors: a scalar float-to-double conversion
    /// would tie each step to the one before through its register's upper half.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CovarianceRow(float[] data, int stride, int x0, int y0, double meanX, ReadOnlySpan<float> meansY, Span<double> sums)
    {
        var meanLow = Vector256.Create(meansY[0], meansY[1], meansY[2], meansY[3]);
        var meanHigh = Vector256.Create(meansY[4], 0, 0, 0);
        var mx = Vector256.Create(meanX);
        Vector256<double> low = Vector256<double>.Zero, high = Vector256<double>.Zero;
        ref float d = ref MemoryMarshal.GetArrayDataReference(data);
        for (int i = 0; i < _subH; i++)
        {
            int rx = x0 + i * stride, ry = y0 + i * stride;
            for (int j = 0; j < _subW; j++)
            {
                var x = Vector256.WidenLower(Vector256.Create(Unsafe.Add(ref d, rx + j))) - mx;
                var y = Vector256.LoadUnsafe(ref d, (nuint)(ry + j));
                low += x * (Vector256.WidenLower(y) - meanLow);
                high += x * (Vector256.WidenUpper(y) - meanHigh);
            }
        }
        low.CopyTo(sums);
        sums[4] = high.ToScalar();
    }

    /// <summary>speed.c filter_and_downscale: prescale, anti-alias, keep every 16th sample, remove the local mean.</summary>
    private void FilterAndDecimate()
    {
        if (_prescaler is not null)
        {
            _frame.AsSpan(0, _origW * _origH).CopyTo(_scaledCopy);
            _prescaler.Scale(_scaledCopy, _frame);
        }
        int w = _scaledW, h = _scaledH;
        // Only every 16th sample of the low-passed plane is kept, so only those are filtered.
        SeparableFilter.ApplyDecimated(_antialias, _frame, _filtered, w, h, 1 << Scales, _opW, _opH, _row);
        _filtered.AsSpan(0, _opW * _opH).CopyTo(_frame);
        SeparableFilter.Apply(_localMean, SeparableFilter.Input.Plain, _frame, null, _filtered, _opW, _opH, _row);
        for (int i = 0; i < _opW * _opH; i++) _frame[i] -= _filtered[i];
    }
}
