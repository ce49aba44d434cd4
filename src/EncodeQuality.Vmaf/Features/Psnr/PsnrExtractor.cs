namespace EncodeQuality.Vmaf.Features.Psnr;

/// <summary>
/// PSNR per plane (psnr_y, psnr_cb, psnr_cr, as libvmaf names them) and the 6:1:1 weighted
/// average of the three (psnr_avg_611), the usual single figure in codec comparisons.
/// PSNR = 10 log10(peak^2 / MSE) with peak = 2^bitdepth - 1, as FFmpeg's psnr filter and libvmaf
/// compute it; identical planes are capped at libvmaf's psnr_max, 6 * bitdepth + 12 dB.
/// </summary>
internal sealed class PsnrExtractor : IFeatureExtractor
{
    private static readonly string[] Names = ["psnr_y", "psnr_cb", "psnr_cr", "psnr_avg_611"];

    public static readonly FeatureExtractors.Entry Entry = new("psnr", false, Names, [],
        (c, _) => new PsnrExtractor(), n => n, (_, _, _) => 0, UsesChroma: true) { Metric = "psnr" };

    public IReadOnlyList<string> Features => Names;

    public void Extract(long index, FramePair frame, bool score, FeatureBoard board)
    {
        if (!score) return;
        double y = FromSse(SquaredError.Sum(frame.Reference, frame.Distorted), frame.Reference.Length, frame.BitDepth);
        double cb = FromSse(SquaredError.Sum(frame.ReferenceCb, frame.DistortedCb), frame.ReferenceCb.Length, frame.BitDepth);
        double cr = FromSse(SquaredError.Sum(frame.ReferenceCr, frame.DistortedCr), frame.ReferenceCr.Length, frame.BitDepth);
        board.Set(index, Names[0], y);
        board.Set(index, Names[1], cb);
        board.Set(index, Names[2], cr);
        board.Set(index, Names[3], (6 * y + cb + cr) / 8);
    }

    public static double FromSse(ulong sse, long samples, int bitDepth)
    {
        double peak = (1 << bitDepth) - 1;
        double max = 6 * bitDepth + 12;
        if (sse == 0) return max;
        double mse = (double)sse / samples;
        return Math.Min(max, 10 * Math.Log10(peak * peak / mse));
    }
}
