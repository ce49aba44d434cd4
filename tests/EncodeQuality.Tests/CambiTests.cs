using EncodeQuality.Tests.Support;
using EncodeQuality.Vmaf;

namespace EncodeQuality.Tests;

/// <summary>
/// CAMBI as a metric: with the options VMAF v1's models give it, against libvmaf 3.2's values in
/// the v1 reference files (the default-option "cambi" is checked with every pair in
/// <see cref="VmafReferenceTests"/>); the full-reference variant by its defining identities; options
/// and sizes libvmaf refuses, refused in one line before any work.
/// </summary>
public class CambiTests
{
    // The CAMBI entry of vmaf_v1.0.16_*'s feature_opts_dicts.
    private const string V1Options = "cambi=cambi_high_res_speedup=1080:cambi_max_val=17:cambi_vis_lum_threshold=0.06";
    private const string V1Name = "cambi_hrs_1080_cmxv_17_vlt_0.06";

    public static TheoryData<string> V1Pairs()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(Repo.Shared("vmaf-reference/README.md"))!, "*.vmaf_v1.0.16_3d0h.json").Order())
            data.Add(Path.GetFileName(file).Split('.')[0]);
        return data;
    }

    [Theory]
    [MemberData(nameof(V1Pairs))]
    public void Cambi_with_the_v1_models_options_agrees_with_libvmaf(string pair)
    {
        var expected = VmafReferenceTests.Load(Repo.Shared($"vmaf-reference/{pair}.vmaf_v1.0.16_3d0h.json"));
        var actual = VmafReferenceTests.Score(VmafReferenceTests.Reference(pair), Repo.Shared($"vmaf-reference/{pair}.dist.mkv"),
            "vmaf_v0.6.1", [V1Options], new VmafOptions());
        Assert.Equal(expected.Count, actual.Frames);
        Assert.Equal([V1Name], actual.Sheet.FeatureNames);
        for (int f = 0; f < expected.Count; f++)
        {
            double d = actual.Sheet.Get(V1Name, f) - expected[f][V1Name];
            Assert.True(Math.Abs(d) <= 1e-4, $"{pair} frame {f}: ours {actual.Sheet.Get(V1Name, f):F6}, libvmaf {expected[f][V1Name]:F6}");
        }
    }

    [Fact]
    public void Full_reference_cambi_is_the_distorted_minus_the_source_and_the_source_alone_is_plain_cambi()
    {
        string pair = "720p_x264_crf30", reference = VmafReferenceTests.Reference(pair), dist = Repo.Shared($"vmaf-reference/{pair}.dist.mkv");
        var expected = VmafReferenceTests.Load(Repo.Shared($"vmaf-reference/{pair}.vmaf_v0.6.1.json"));
        bool somePositive = false, someNegative = false;
        // Both ways round: the encode as the distorted picture, and as the "source" (so the floor at 0 is reached).
        foreach (var (source, distorted) in new[] { (reference, dist), (dist, reference) })
        {
            var full = VmafReferenceTests.Score(source, distorted, "vmaf_v0.6.1", ["cambi=full_ref=true"], new VmafOptions());
            // full_ref does not rename (libvmaf: not a feature parameter).
            Assert.Equal(["cambi", "cambi_source", "cambi_full_reference"], full.Sheet.FeatureNames);
            // The source's own score is plain CAMBI of the source, and the encode's is libvmaf's.
            var sourceAlone = VmafReferenceTests.Score(source, source, "vmaf_v0.6.1", ["cambi"], new VmafOptions());
            var encode = distorted == dist ? full.Sheet.Values("cambi") : full.Sheet.Values("cambi_source");
            for (int f = 0; f < full.Frames; f++)
            {
                Assert.Equal(sourceAlone.Sheet.Get("cambi", f), full.Sheet.Get("cambi_source", f));
                Assert.InRange(encode[f] - expected[f]["cambi"], -1e-4, 1e-4);
                double diff = full.Sheet.Get("cambi", f) - full.Sheet.Get("cambi_source", f);
                Assert.Equal(Math.Max(0, diff), full.Sheet.Get("cambi_full_reference", f));
                somePositive |= diff > 0;
                someNegative |= diff < 0;
            }
        }
        Assert.True(somePositive && someNegative, "both sides of the floor at 0 should be seen");
    }

    [Fact]
    public void Options_and_sizes_libvmaf_refuses_are_one_line_exit_1()
    {
        string reference = VmafReferenceTests.Reference("cif_x264_crf24");
        foreach (var (metrics, says) in new[]
        {
            ("cambi=window_size=3", "--metrics cambi: feature cambi option window_size is 3; it takes 15 to 127"),
            ("cambi=eotf=hlg", "cambi option eotf is one of bt1886, pq, not 'hlg'"),
            ("cambi=spread=2", "feature cambi has no option 'spread'"),
            ("psnr=x=1", "--metrics: psnr takes no options"),
        })
        {
            var o = EqProcess.Run("score", "--ref", reference, "--dist", reference, "--metrics", metrics);
            Assert.Equal(1, o.ExitCode);
            Assert.Contains(says, Assert.Single(o.Errors));
        }
        // Below 216 pixels both ways (the VT clip cropped to 200x180): refused before decoding.
        string small = Path.Combine(Repo.Scratch("cambi"), "small.y4m");
        if (!File.Exists(small))
            Ffmpeg.Run("-y", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", "320x192", "-r", "12", "-i", Repo.Media("CiscoVT2people_320x192_12fps.yuv"),
                "-frames:v", "2", "-vf", "crop=200:180:0:0", small);
        var tiny = EqProcess.Run("score", "--ref", small, "--dist", small, "--metrics", "cambi");
        Assert.Equal(1, tiny.ExitCode);
        Assert.Contains("CAMBI needs a picture at least 216 pixels wide or high, got 200x180", Assert.Single(tiny.Errors));
    }

    /// <summary>Threads score frames side by side, each on a worker's own scorer; every frame's values are the same.</summary>
    [Fact]
    public void Threads_give_the_same_scores()
    {
        string pair = "720p_x265_crf38", reference = VmafReferenceTests.Reference(pair), dist = Repo.Shared($"vmaf-reference/{pair}.dist.mkv");
        IReadOnlyList<double> Run(int threads)
        {
            var catalog = EncodeQuality.Metrics.MetricCatalog.WithBuiltIns();
            catalog.UseThreads(threads);
            var result = new EncodeQuality.Pipeline.FileComparer(catalog).Compare(reference, null, dist, null, ["cambi=full_ref=true"], CancellationToken.None);
            return [.. result.Sheet.Values("cambi"), .. result.Sheet.Values("cambi_source")];
        }
        var one = Run(1);
        Assert.Equal(one, Run(2));
        Assert.Equal(one, Run(3));
    }

    /// <summary>
    /// CAMBI as a VMAF model asks for it: the extractor found by the v1 model's feature name, built
    /// with that model's options, writes libvmaf's feature name and libvmaf's values.
    /// </summary>
    [Fact]
    public void The_v1_models_cambi_feature_finds_the_extractor_and_agrees_with_libvmaf()
    {
        var model = EncodeQuality.Vmaf.Model.VmafModel.Load(Repo.Shared("vmaf-models/vmaf_v1.0.16_3d0h.json"));
        var feature = model.Features.Single(f => f.Name == "Cambi_feature_cambi_score");
        Assert.Equal(V1Name, EncodeQuality.Vmaf.Model.VmafModel.OutputName(feature.Name, feature.Options));

        string pair = "vt_x264_crf40"; // the pair where the visibility threshold changes the values
        const int w = 320, h = 192;
        var expected = VmafReferenceTests.Load(Repo.Shared($"vmaf-reference/{pair}.vmaf_v1.0.16_3d0h.json"));
        var entry = EncodeQuality.Vmaf.Features.FeatureExtractors.For(feature.Name);
        var extractor = entry.Create(new EncodeQuality.Vmaf.Features.FeatureExtractors.Context(w, h),
            EncodeQuality.Vmaf.Features.FeatureOptions.From(feature.Options, entry.Options, feature.Name));
        Assert.Equal([V1Name], extractor.Features);
        var board = new EncodeQuality.Vmaf.Features.FeatureBoard(extractor.Features);
        var frame = new FramePair(w, h, withFloat: false);
        // yuv420p, of which the luma plane comes first (a conversion to gray could touch the samples).
        var reference = Ffmpeg.DecodeFrames(VmafReferenceTests.Reference(pair), "yuv420p", w * h * 3 / 2);
        var distorted = Ffmpeg.DecodeFrames(Repo.Shared($"vmaf-reference/{pair}.dist.mkv"), "yuv420p", w * h * 3 / 2);
        for (int f = 0; f < expected.Count; f++)
        {
            frame.Load(new SamplePlane(reference[f], w, h, w), new SamplePlane(distorted[f], w, h, w));
            board.Open(f);
            extractor.Extract(f, frame, true, board);
            Assert.InRange(board.Get(f, V1Name) - expected[f][V1Name], -1e-4, 1e-4);
            board.Close(f);
        }
    }

    /// <summary>The working set the memory estimate counts for one CAMBI scorer bounds what it really allocates, closely.</summary>
    [Theory]
    [InlineData(1280, 720)]
    [InlineData(1920, 1080)]
    [InlineData(352, 288)]
    public void The_declared_working_set_bounds_a_scorers_allocation(int width, int height)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var settings = new EncodeQuality.Vmaf.Features.Cambi.CambiSettings();
        var scorer = new EncodeQuality.Vmaf.Features.Cambi.CambiScorer(width, height, 0, 0, 0, settings);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        GC.KeepAlive(scorer);
        long declared = EncodeQuality.Vmaf.Features.Cambi.CambiScorer.WorkingSet(width, height, settings);
        Assert.InRange(declared, allocated, allocated * 21 / 20);
    }

    /// <summary>
    /// The cambi metric's declared working set (its frames in flight and each worker's scorers, with
    /// full_ref two of them) bounds what building it allocates, at 1 to 3 threads, by no more than 5 %.
    /// </summary>
    [Theory]
    [InlineData(1280, 720, 1, null)]
    [InlineData(1920, 1080, 2, "full_ref=true")]
    [InlineData(352, 288, 3, "window_size=63")]
    public void The_metrics_declared_working_set_bounds_its_allocation(int width, int height, int threads, string? options)
    {
        using (EncodeQuality.Vmaf.FeatureScorer.ForMetrics([("cambi", options)], 512, 512, 1, (_, _, _) => { })) { } // tables made once per process
        long before = GC.GetAllocatedBytesForCurrentThread();
        using var scorer = EncodeQuality.Vmaf.FeatureScorer.ForMetrics([("cambi", options)], width, height, threads, (_, _, _) => { });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long declared = EncodeQuality.Vmaf.FeatureScorer.WorkingSet([("cambi", options)], width, height, threads);
        Assert.InRange(declared, allocated, allocated * 21 / 20);
    }

    /// <summary>Steady state: a picture allocates nothing.</summary>
    [Fact]
    public void Scoring_a_picture_allocates_nothing()
    {
        const int w = 640, h = 360;
        // A ramp in steps of 24 columns: flat areas and one-level contrasts, so every pass has work.
        var picture = new byte[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) picture[y * w + x] = (byte)(40 + x / 24 + (y / 90));
        var scorer = new EncodeQuality.Vmaf.Features.Cambi.CambiScorer(w, h, 0, 0, 0, new EncodeQuality.Vmaf.Features.Cambi.CambiSettings());
        double score = 0;
        for (int i = 0; i < 20; i++) score = scorer.Score(picture, w); // warm up, past tier-up
        Assert.True(score > 0, "the ramp should show banding");
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) scorer.Score(picture, w);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
