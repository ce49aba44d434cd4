using System.Numerics;

namespace EncodeQuality.Vmaf.Features.Ssim;

/// <summary>
/// The SSIM map of libvmaf's IQA code (iqa/ssim_tools.c, _iqa_ssim with default arguments), shared
/// by float_ssim and float_ms_ssim: the 11-tap separable Gaussian (sigma 1.5, taps as libvmaf
/// prints them) over the region where it fits, then per pixel the luminance, contrast and
/// structure terms with K1 = 0.01, K2 = 0.03, L = 255, averaged. The float/double split follows
/// IQA's so the means agree to float precision. Buffers grow to the largest picture seen.
/// </summary>
internal sealed class IqaSsim
{
    public const int Window = 11;
    // libvmaf iqa/ssim_tools.h, g_gaussian_window_h.
    private static readonly float[] Gaussian =
        [0.001028f, 0.007599f, 0.036001f, 0.109361f, 0.213006f, 0.266012f, 0.213006f, 0.109361f, 0.036001f, 0.007599f, 0.001028f];

    private float[] _refSq = [], _distSq = [], _cross = [], _muRef = [], _muDist = [], _cache = [];
    private readonly bool _simd;

    public IqaSsim(bool simd = true) => _simd = simd && Vector.IsHardwareAccelerated;

    /// <summary>Mean SSIM and the means of its l, c and s terms over the valid region of a w x h pair.</summary>
    public (double Ssim, float L, float C, float S) Compute(float[] reference, float[] distorted, int w, int h)
    {
        int n = w * h;
        if (_cache.Length < n)
        {
            _refSq = new float[n]; _distSq = new float[n]; _cross = new float[n];
            _muRef = new float[n]; _muDist = new float[n]; _cache = new float[n];
        }
        for (int i = 0; i < n; i++)
        {
            _refSq[i] = reference[i] * reference[i];
            _distSq[i] = distorted[i] * distorted[i];
            _cross[i] = reference[i] * distorted[i];
        }
        Convolve(reference, _muRef, w, h);
        Convolve(distorted, _muDist, w, h);
        Convolve(_refSq, _refSq, w, h);
        Convolve(_distSq, _distSq, w, h);
        Convolve(_cross, _cross, w, h);

        const float L = 255, K1 = 0.01f, K2 = 0.03f;
        float c1 = (K1 * L) * (K1 * L), c2 = (K2 * L) * (K2 * L), c3 = c2 / 2.0f;
        int dw = w - Window + 1, dh = h - Window + 1;
        double sum = 0, lSum = 0, cSum = 0, sSum = 0;
        for (int i = 0; i < dw * dh; i++)
        {
            float mr = _muRef[i], md = _muDist[i];
            float sr = MathF.Max(0, _refSq[i] - mr * mr);
            float sd = MathF.Max(0, _distSq[i] - md * md);
            float sx = _cross[i] - mr * md;
            // _iqa_ssim's float/double split: sigma products and denominators in float.
            float srsd = (float)Math.Sqrt(sr * sd);
            double l = (2.0 * mr * md + c1) / (mr * mr + md * md + c1);
            double c = (2.0 * srsd + c2) / (sr + sd + c2);
            // Identical flat regions: sx may round below zero while srsd is 0; libvmaf counts that as 1.
            float sxc = sx < 0.0f && srsd <= 0.0f ? 0.0f : sx;
            float s = (sxc + c3) / (srsd + c3);
            sum += l * c * s;
            lSum += l;
            cSum += c;
            sSum += s;
        }
        double size = (double)dw * dh;
        return ((float)(sum / size), (float)(lSum / size), (float)(cSum / size), (float)(sSum / size));
    }

    /// <summary>
    /// Separable Gaussian over the valid region: output is (w-10) x (h-10), packed. Each tap's
    /// product is rounded to float and summed in double, as IQA does, so the vector path gives
    /// the scalar path's result bit for bit: it only computes several columns at a time.
    /// </summary>
    private void Convolve(float[] src, float[] dst, int w, int h)
    {
        int dw = w - Window + 1, dh = h - Window + 1;
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

    /// <summary>IQA's KBND_SYMMETRIC: the edge sample repeats (-1 is 0, n is n-1).</summary>
    public static int Symmetric(int i, int n) => i < 0 ? -1 - i : i >= n ? n - (i - n) - 1 : i;

    /// <summary>
    /// _iqa_decimate: the picture filtered by a 2-D kernel (k x k, symmetric borders) at every
    /// factor-th sample, w / factor (+1 when w is odd) by h / factor (+1 when h is odd).
    /// </summary>
    public static (int W, int H) Decimate(float[] src, int w, int h, int factor, float[] kernel, int k, float[] dst)
    {
        int sw = w / factor + (w & 1), sh = h / factor + (h & 1);
        int c = k / 2, even = (k & 1) == 0 ? 1 : 0;
        for (int y = 0; y < sh; y++)
            for (int x = 0; x < sw; x++)
            {
                int cx = x * factor, cy = y * factor;
                double sum = 0;
                int ki = 0;
                for (int v = -c; v <= c - even; v++)
                {
                    int row = Symmetric(cy + v, h) * w;
                    for (int u = -c; u <= c - even; u++, ki++) sum += src[row + Symmetric(cx + u, w)] * kernel[ki];
                }
                dst[y * sw + x] = (float)sum;
            }
        return (sw, sh);
    }

    /// <summary>
    /// Luma samples as floats on the 8-bit range, as libvmaf's picture_copy brings deeper samples
    /// there (sample / 2^(depth - 8)); the scale is a power of two, so multiplying by its inverse
    /// gives the quotient exactly.
    /// </summary>
    public static void LoadLuma(ReadOnlySpan<ushort> samples, int bitDepth, float[] target)
    {
        float scale = 1f / (1 << (bitDepth - 8));
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var s = new Vector<float>(scale);
            for (; i <= samples.Length - Vector<ushort>.Count; i += Vector<ushort>.Count)
            {
                Vector.Widen(new Vector<ushort>(samples[i..]), out Vector<uint> lo, out Vector<uint> hi);
                (Vector.ConvertToSingle(lo) * s).CopyTo(target, i);
                (Vector.ConvertToSingle(hi) * s).CopyTo(target, i + Vector<uint>.Count);
            }
        }
        for (; i < samples.Length; i++) target[i] = samples[i] * scale;
    }
}
