using EncodeQuality.Metrics;
using EncodeQuality.Model;
using EncodeQuality.Native.Frames;
using EncodeQuality.LibVmaf;
using EncodeQuality.Vmaf;

namespace EncodeQuality.Tests;

/// <summary>
/// The one extractor list as users meet it: every metric it names is a --metrics name, checked
/// (options, size) before any frame and scored through the catalog; a stream's extractor metrics
/// share one scorer. Values are held against hand computations, not against the code under test.
/// </summary>
public class MetricRegistryTests
{
    private static (VideoFrame Reference, VideoFrame Distorted) Pair(FramePool pool, int seed, int bitDepth)
    {
        var rng = new Random(seed);
        var (r, d) = (pool.Rent(), pool.Rent());
        int max = (1 << bitDepth) - 1;
        for (int p = 0; p < 3; p++)
            if (bitDepth > 8)
            {
                Span<ushort> a = r.Plane16(p), b = d.Plane16(p);
                for (int i = 0; i < a.Length; i++) { a[i] = (ushort)rng.Next(max + 1); b[i] = (ushort)Math.Clamp(a[i] + rng.Next(-9, 10), 0, max); }
            }
            else
            {
                Span<byte> a = r.Plane(p), b = d.Plane(p);
                for (int i = 0; i < a.Length; i++) { a[i] = (byte)rng.Next(256); b[i] = (byte)Math.Clamp(a[i] + rng.Next(-9, 10), 0, 255); }
            }
        return (r, d);
    }

    /// <summary>PSNR of a plane from its definition, in the test: 10 log10(peak^2 / MSE).</summary>
    private static double Psnr(VideoFrame r, VideoFrame d, int plane)
    {
        double sse = 0;
        long n;
        if (r.Format.BitDepth > 8)
        {
            Span<ushort> a = r.Plane16(plane), b = d.Plane16(plane);
            for (int i = 0; i < a.Length; i++) sse += (double)(a[i] - b[i]) * (a[i] - b[i]);
            n = a.Length;
        }
        else
        {
            Span<byte> a = r.Plane(plane), b = d.Plane(plane);
            for (int i = 0; i < a.Length; i++) sse += (double)(a[i] - b[i]) * (a[i] - b[i]);
            n = a.Length;
        }
        double peak = (1 << r.Format.BitDepth) - 1;
        return 10 * Math.Log10(peak * peak / (sse / n));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(10)]
    public void Every_metric_of_the_list_is_named_scored_and_shares_one_scorer(int bitDepth)
    {
        var catalog = MetricCatalog.WithBuiltIns();
        Assert.Equal(["cambi", "speed_chroma", "psnr", "ssim", "ms_ssim"], FeatureScorer.Metrics);
        Assert.All(FeatureScorer.Metrics, m => Assert.Contains(m, catalog.Names));
        var entries = catalog.Parse(string.Join(",", FeatureScorer.Metrics));
        var metrics = catalog.Create(entries);
        Assert.IsType<ExtractorMetric>(Assert.Single(metrics)); // one scorer for all of them

        var pool = new FramePool(new VideoFormat(256, 192, bitDepth));
        var sheet = new ScoreSheet();
        var psnr = new List<double[]>();
        for (int f = 0; f < 3; f++)
        {
            var (r, d) = Pair(pool, f, bitDepth);
            psnr.Add([Psnr(r, d, 0), Psnr(r, d, 1), Psnr(r, d, 2)]);
            metrics[0].Push(f, r, d, sheet);
            r.Release();
            d.Release();
        }
        metrics[0].Flush(sheet);
        foreach (var name in new[] { "psnr_y", "psnr_cb", "psnr_cr", "psnr_avg_611", "float_ssim", "float_ms_ssim", "cambi", "speed_chroma_uv" })
            Assert.Equal(3, sheet.Values(name).Count);
        for (int f = 0; f < 3; f++)
        {
            Assert.Equal(psnr[f][0], sheet.Values("psnr_y")[f], 9);
            Assert.Equal(psnr[f][1], sheet.Values("psnr_cb")[f], 9);
            Assert.Equal(psnr[f][2], sheet.Values("psnr_cr")[f], 9);
            Assert.Equal((6 * psnr[f][0] + psnr[f][1] + psnr[f][2]) / 8, sheet.Values("psnr_avg_611")[f], 9);
            Assert.InRange(sheet.Values("float_ssim")[f], 0.5, 0.9999);
        }
        metrics[0].Dispose();
    }

    /// <summary>
    /// Beside managed VMAF, the extractor metrics run on VMAF's own scorer: one metric for the
    /// stream, the pair copied in once, and the same PSNR as the definition gives.
    /// </summary>
    [Fact]
    public void Beside_managed_vmaf_the_extractor_metrics_share_its_scorer()
    {
        var catalog = MetricCatalog.WithBuiltIns();
        VmafMetric.Register(catalog, engine: VmafEngineKind.Managed);
        var metrics = catalog.Create(catalog.Parse("vmaf,psnr,ssim"));
        var vmaf = Assert.IsType<VmafMetric>(Assert.Single(metrics));
        var pool = new FramePool(new VideoFormat(256, 192, 8));
        var sheet = new ScoreSheet();
        var psnr = new List<double>();
        for (int f = 0; f < 3; f++)
        {
            var (r, d) = Pair(pool, f, 8);
            psnr.Add(Psnr(r, d, 0));
            vmaf.Push(f, r, d, sheet);
            r.Release();
            d.Release();
        }
        vmaf.Flush(sheet);
        Assert.Contains("psnr_y", vmaf.FeatureNames);
        Assert.Contains("float_ssim", vmaf.FeatureNames);
        Assert.Equal(3, sheet.Values("vmaf").Count);
        for (int f = 0; f < 3; f++) Assert.Equal(psnr[f], sheet.Values("psnr_y")[f], 9);
        // The estimate counts one scorer: VMAF's with the metrics beside it, less than the two apart.
        var entries = catalog.Parse("vmaf,psnr,ssim");
        Assert.True(catalog.WorkingSet(entries, 1280, 720) < catalog.WorkingSet(catalog.Parse("vmaf"), 1280, 720) + catalog.WorkingSet(catalog.Parse("psnr,ssim"), 1280, 720));
        vmaf.Dispose();
    }

    /// <summary>Each entry says what its extractor does: the names it writes, and whether it has an in-order step.</summary>
    [Fact]
    public void Every_entry_declares_what_its_extractor_does()
    {
        foreach (var e in EncodeQuality.Vmaf.Features.FeatureExtractors.All)
        {
            var options = EncodeQuality.Vmaf.Features.FeatureOptions.Parse(null, e.Options, e.Name);
            var extractor = e.Create(new EncodeQuality.Vmaf.Features.FeatureExtractors.Context(512, 512), options);
            Assert.True(e.Temporal == (extractor.CreateTemporalStep() is not null), $"{e.Name}: declared temporal {e.Temporal}");
            Assert.All(e.Provides, p => Assert.Contains(e.OutputName(p) + options.Suffix, extractor.Features));
            Assert.Null(e.TooSmall?.Invoke(512, 512, options));
        }
        Assert.Equal(EncodeQuality.Vmaf.Features.FeatureExtractors.All.Count, EncodeQuality.Vmaf.Features.FeatureExtractors.All.Select(e => e.Name).Distinct().Count());
    }

    [Fact]
    public void A_metric_is_checked_by_its_entry_before_any_frame()
    {
        var catalog = MetricCatalog.WithBuiltIns();
        Assert.Equal("--metrics: psnr takes no options", Assert.Throws<InputException>(() => catalog.Parse("psnr=x=1")).Message);
        Assert.Contains("window_size", Assert.Throws<InputException>(() => catalog.Parse("cambi=window_size=1000")).Message);
        Assert.StartsWith("--metrics: unknown metric 'psnrx'", Assert.Throws<InputException>(() => catalog.Parse("psnrx")).Message);
        var entries = catalog.Parse("psnr,ms_ssim");
        Assert.Equal("720p: MS-SSIM needs at least 176 pixels on each side, got 320x160",
            Assert.Throws<InputException>(() => catalog.CheckSize(entries, 320, 160, "720p")).Message);
        catalog.CheckSize(entries, 320, 176, "720p");
        // The estimate counts the scorer's pair in flight with its chroma (psnr reads it): 2 x 1.5 x 2 bytes a sample at least.
        Assert.True(catalog.WorkingSet(catalog.Parse("psnr"), 1280, 720) >= 2 * 1280 * 720 * 3, "the frame pair is counted");
    }
}
