using EncodeQuality.Native.Frames;
using EncodeQuality.Model;

namespace EncodeQuality.Metrics;

/// <summary>
/// PSNR per plane (psnr_y, psnr_cb, psnr_cr, as libvmaf names them) and the 6:1:1 weighted
/// average of the three (psnr_avg_611), the usual single figure in codec comparisons.
/// PSNR = 10 log10(peak^2 / MSE) with peak = 2^bitdepth - 1, as FFmpeg's psnr filter and libvmaf
/// compute it; identical planes are capped at libvmaf's psnr_max, 6 * bitdepth + 12 dB.
/// </summary>
public sealed class PsnrMetric : IFrameMetric
{
    private static readonly string[] Names = ["psnr_y", "psnr_cb", "psnr_cr", "psnr_avg_611"];
    private int[]? _columns;

    public IReadOnlyList<string> FeatureNames => Names;

    public bool Temporal => false;

    public void Push(long frameIndex, VideoFrame reference, VideoFrame distorted, ScoreSheet sheet)
    {
        _columns ??= Names.Select(sheet.Column).ToArray();
        var f = reference.Format;
        if (distorted.Format != f) throw new ArgumentException($"PSNR needs frames of one format, got {f} and {distorted.Format}");
        Span<double> psnr = stackalloc double[3];
        for (int p = 0; p < 3; p++)
        {
            ulong sse = f.BitDepth > 8
                ? SquaredError.Sum(reference.Plane16(p), distorted.Plane16(p))
                : SquaredError.Sum(reference.Plane(p), distorted.Plane(p));
            long samples = (long)f.PlaneWidth(p) * f.PlaneHeight(p);
            psnr[p] = FromSse(sse, samples, f.BitDepth);
            sheet.Set(_columns[p], frameIndex, psnr[p]);
        }
        sheet.Set(_columns[3], frameIndex, (6 * psnr[0] + psnr[1] + psnr[2]) / 8);
    }

    public static double FromSse(ulong sse, long samples, int bitDepth)
    {
        double peak = (1 << bitDepth) - 1;
        double max = 6 * bitDepth + 12;
        if (sse == 0) return max;
        double mse = (double)sse / samples;
        return Math.Min(max, 10 * Math.Log10(peak * peak / mse));
    }

    public void Flush(ScoreSheet sheet) { }

    public void Dispose() { }
}
