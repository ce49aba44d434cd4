using System.Numerics;
using EncodeQuality.Native.Frames;

namespace EncodeQuality.Pipeline.Metrics;

/// <summary>
/// Luma SSIM as libvmaf's float_ssim computes it (its IQA-derived ssim.c): the picture is first
/// decimated by f = max(1, round(min(w, h) / 256)) with an f x f box filter (mirrored edges),
/// as Wang et al. recommend for viewing distance; then an 11x11 Gaussian window (sigma 1.5,
/// K1 = 0.01, K2 = 0.03, L = 255) is applied where it fits inside the picture, and the SSIM map is
/// averaged. Deeper samples are brought to the 8-bit range first, as libvmaf's picture_copy does.
/// Arithmetic follows the same float/double split so scores agree to float precision.
/// </summary>
public sealed class SsimMetric : IFrameMetric
{
    private const int Window = 11;
    private const int Half = Window / 2;
    private static readonly float[] Gaussian = MakeGaussian(Window, 1.5);
    private static readonly string[] Names = ["float_ssim"];

    private int _column = -1;
    private int _width, _height, _scale, _w, _h;
    private float[] _ref = [], _dist = [], _refSq = [], _distSq = [], _cross = [];
    private float[] _muRef = [], _muDist = [], _cache = [], _full = [];
    private int[] _columns = [];

    public IReadOnlyList<string> FeatureNames => Names;

    public void Push(long frameIndex, VideoFrame reference, VideoFrame distorted, ScoreSheet sheet)
    {
        if (_column < 0) _column = sheet.Column(Names[0]);
        var f = reference.Format;
        if (distorted.Format != f) throw new ArgumentException($"SSIM needs frames of one format, got {f} and {distorted.Format}");
        Prepare(f.Width, f.Height);
        Load(reference, _ref);
        Load(distorted, _dist);
        sheet.Set(_column, frameIndex, ComputeDecimated());
    }

    /// <summary>SSIM of two luma planes already in float at 8-bit range; exposed for tests.</summary>
    internal static double Compute(float[] reference, float[] distorted, int width, int height, bool simd = true)
    {
        var m = new SsimMetric { _simd = simd };
        m.Prepare(width, height);
        m.LoadFloats(reference, m._ref);
        m.LoadFloats(distorted, m._dist);
        return m.ComputeDecimated();
    }

    private bool _simd = Vector.IsHardwareAccelerated;

    private void LoadFloats(ReadOnlySpan<float> src, float[] target)
    {
        if (_scale > 1)
        {
            src[.._full.Length].CopyTo(_full);
            Decimate(_full, target);
        }
        else src[..target.Length].CopyTo(target);
    }

    private void Prepare(int width, int height)
    {
        if (width == _width && height == _height) return;
        if (Math.Min(width, height) < Window) throw new ArgumentException($"SSIM needs at least {Window}x{Window} pixels, got {width}x{height}");
        _width = width;
        _height = height;
        _scale = Math.Max(1, (int)(Math.Min(width, height) / 256.0f + 0.5f));
        // IQA's decimated size: w / f, plus one column (row) when w (h) is odd.
        _w = _scale > 1 ? width / _scale + (width & 1) : width;
        _h = _scale > 1 ? height / _scale + (height & 1) : height;
        int n = _w * _h;
        _ref = new float[n]; _dist = new float[n];
        _refSq = new float[n]; _distSq = new float[n]; _cross = new float[n];
        _muRef = new float[n]; _muDist = new float[n]; _cache = new float[n];
        _full = _scale > 1 ? new float[width * height] : [];
        // Mirrored source column of every tap of every output column, computed once per size.
        int uc = _scale / 2, taps = _scale;
        _columns = new int[_w * taps];
        for (int x = 0; x < _w; x++)
            for (int u = 0; u < taps; u++) _columns[x * taps + u] = Mirror(x * _scale - uc + u, width);
    }

    private void Load(VideoFrame frame, float[] target)
    {
        var dst = _scale > 1 ? _full : target;
        int n = _width * _height;
        if (frame.Format.BitDepth > 8)
        {
            float div = 1 << (frame.Format.BitDepth - 8);
            var src = frame.Plane16(0);
            for (int i = 0; i < n; i++) dst[i] = src[i] / div;
        }
        else
        {
            var src = frame.Plane(0);
            for (int i = 0; i < n; i++) dst[i] = src[i];
        }
        if (_scale > 1) Decimate(_full, target);
    }

    /// <summary>Box-filtered decimation; even filter sizes reach one sample further left/up than right/down.</summary>
    private void Decimate(float[] src, float[] dst)
    {
        int s = _scale, w = _width, h = _height;
        int uc = s / 2;
        float k = 1.0f / (s * s);
        var columns = _columns;
        for (int y = 0; y < _h; y++)
        {
            int cy = y * s;
            for (int x = 0; x < _w; x++)
            {
                double sum = 0;
                int c0 = x * s;
                for (int v = 0; v < s; v++)
                {
                    int row = Mirror(cy - uc + v, h) * w;
                    for (int u = 0; u < s; u++) sum += src[row + columns[c0 + u]] * k;
                }
                dst[y * _w + x] = (float)sum;
            }
        }
    }

    private static int Mirror(int i, int n) => i < 0 ? -1 - i : i >= n ? n - (i - n) - 1 : i;

    private double ComputeDecimated()
    {
        int w = _w, h = _h, n = w * h;
        for (int i = 0; i < n; i++)
        {
            _refSq[i] = _ref[i] * _ref[i];
            _distSq[i] = _dist[i] * _dist[i];
            _cross[i] = _ref[i] * _dist[i];
        }
        Convolve(_ref, _muRef);
        Convolve(_dist, _muDist);
        Convolve(_refSq, _refSq);
        Convolve(_distSq, _distSq);
        Convolve(_cross, _cross);

        const float L = 255, K1 = 0.01f, K2 = 0.03f;
        float c1 = (K1 * L) * (K1 * L), c2 = (K2 * L) * (K2 * L);
        int dw = w - Window + 1, dh = h - Window + 1;
        double sum = 0;
        for (int i = 0; i < dw * dh; i++)
        {
            float mr = _muRef[i], md = _muDist[i];
            float sr = MathF.Max(0, _refSq[i] - mr * mr);
            float sd = MathF.Max(0, _distSq[i] - md * md);
            float sx = _cross[i] - mr * md;
            double srsd = Math.Sqrt(sr * sd);
            double l = (2.0 * mr * md + c1) / (mr * mr + md * md + c1);
            double c = (2.0 * srsd + c2) / (sr + sd + c2);
            double st = (sx + c2 / 2.0) / (srsd + c2 / 2.0);
            sum += l * c * st;
        }
        return (float)(sum / (dw * dh));
    }

    /// <summary>
    /// Separable Gaussian over the valid region: output is (w-10) x (h-10), packed. Each tap's
    /// product is rounded to float and summed in double, as IQA does, so the vector path gives
    /// the scalar path's result bit for bit: it only computes eight columns at a time.
    /// </summary>
    private void Convolve(float[] src, float[] dst)
    {
        int w = _w, h = _h, dw = w - Window + 1, dh = h - Window + 1;
        var cache = _cache;
        int lanes = Vector<float>.Count;
        int vecEnd = _simd ? dw - dw % lanes : 0;
        for (int y = 0; y < h; y++)
        {
            int row = y * w;
            for (int x = 0; x < vecEnd; x += lanes)
            {
                var (lo, hi) = (Vector<double>.Zero, Vector<double>.Zero);
                for (int u = 0; u < Window; u++)
                {
                    var p = Vector.LoadUnsafe(ref src[0], (nuint)(row + x + u)) * Gaussian[u];
                    Vector.Widen(p, out var pl, out var ph);
                    lo += pl;
                    hi += ph;
                }
                Vector.Narrow(lo, hi).StoreUnsafe(ref cache[0], (nuint)(row + x));
            }
            for (int x = vecEnd; x < dw; x++)
            {
                double sum = 0;
                for (int u = 0; u < Window; u++) sum += src[row + x + u] * Gaussian[u];
                cache[row + x] = (float)sum;
            }
        }
        for (int y = 0; y < dh; y++)
        {
            for (int x = 0; x < vecEnd; x += lanes)
            {
                var (lo, hi) = (Vector<double>.Zero, Vector<double>.Zero);
                for (int v = 0; v < Window; v++)
                {
                    var p = Vector.LoadUnsafe(ref cache[0], (nuint)((y + v) * w + x)) * Gaussian[v];
                    Vector.Widen(p, out var pl, out var ph);
                    lo += pl;
                    hi += ph;
                }
                Vector.Narrow(lo, hi).StoreUnsafe(ref dst[0], (nuint)(y * dw + x));
            }
            for (int x = vecEnd; x < dw; x++)
            {
                double sum = 0;
                for (int v = 0; v < Window; v++) sum += cache[(y + v) * w + x] * Gaussian[v];
                dst[y * dw + x] = (float)sum;
            }
        }
    }

    private static float[] MakeGaussian(int n, double sigma)
    {
        var g = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            double d = i - n / 2;
            g[i] = Math.Exp(-d * d / (2 * sigma * sigma));
            total += g[i];
        }
        return g.Select(v => (float)(v / total)).ToArray();
    }

    public void Flush(ScoreSheet sheet) { }

    public void Dispose() { }
}
