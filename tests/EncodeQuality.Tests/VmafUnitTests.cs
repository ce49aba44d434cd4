using EncodeQuality.Tests.Support;
using EncodeQuality.Vmaf;
using EncodeQuality.Vmaf.Features;
using EncodeQuality.Vmaf.Model;

namespace EncodeQuality.Tests;

/// <summary>The VMAF engine's stages on cases small enough to check by hand, and SIMD against scalar.</summary>
public class VmafUnitTests
{
    private static string ModelPath(string name) => Repo.Shared(Path.Combine("vmaf-models", name + ".json"));

    [Fact]
    public void Svm_predicts_the_rbf_sum_minus_rho_with_sparse_vectors()
    {
        var svm = SvmModel.Parse("svm_type nu_svr\nkernel_type rbf\ngamma 0.5\nnr_class 2\ntotal_sv 2\nrho 0.25\nSV\n2 1:1 2:0\n-1 2:1\n", 2);
        double x0 = 0.5, x1 = 0.5;
        double k1 = Math.Exp(-0.5 * ((x0 - 1) * (x0 - 1) + x1 * x1));
        double k2 = Math.Exp(-0.5 * (x0 * x0 + (x1 - 1) * (x1 - 1)));
        Assert.Equal(2 * k1 - k2 - 0.25, svm.Predict([x0, x1]), 12);
    }

    [Fact]
    public void Model_reads_features_in_order_and_predicts_libvmaf_scores()
    {
        var model = VmafModel.Load(ModelPath("vmaf_float_v0.6.1"));
        Assert.Equal(["VMAF_feature_adm2_score", "VMAF_feature_motion2_score", "VMAF_feature_vif_scale0_score", "VMAF_feature_vif_scale1_score",
            "VMAF_feature_vif_scale2_score", "VMAF_feature_vif_scale3_score"], model.Features.Select(f => f.Name));
        // Frame 1 of libvmaf 1.3.7 on CIF x264 crf 35: features as logged, VMAF 69.32232.
        double vmaf = model.Predict([0.91128, 3.82618, 0.43242, 0.75647, 0.84251, 0.8948]);
        Assert.InRange(vmaf - 69.32232, -0.01, 0.01);
        // The integer-named model is the same computation.
        Assert.Equal(vmaf, VmafModel.Load(ModelPath("vmaf_v0.6.1")).Predict([0.91128, 3.82618, 0.43242, 0.75647, 0.84251, 0.8948]), 9);
    }

    [Fact]
    public void Score_is_clipped_and_the_transform_only_raises_it()
    {
        var model = VmafModel.Load(ModelPath("vmaf_float_v0.6.1"));
        Assert.Equal(100, model.Predict([1.2, 30, 1.2, 1.2, 1.2, 1.2]));
        // Over a grid of inputs, in range and out of it, every score stays within the model's clip.
        var rng = new Random(2);
        for (int i = 0; i < 2000; i++)
        {
            double[] f = [rng.NextDouble() * 3 - 1, rng.NextDouble() * 60 - 10, rng.NextDouble() * 3 - 1, rng.NextDouble() * 3 - 1, rng.NextDouble() * 3 - 1, rng.NextDouble() * 3 - 1];
            Assert.InRange(model.Predict(f), 0, 100);
        }
        double[] mid = [0.9, 4, 0.5, 0.8, 0.88, 0.92];
        Assert.True(model.Predict(mid, enableTransform: true) >= model.Predict(mid));
    }

    [Fact]
    public void Neg_models_carry_gain_limits_and_plain_models_do_not()
    {
        var neg = VmafModel.Load(ModelPath("vmaf_v0.6.1neg"));
        Assert.Equal("1.0", neg.Features[0].Options["adm_enhn_gain_limit"]);
        Assert.Equal("1.0", neg.Features[2].Options["vif_enhn_gain_limit"]);
        Assert.Empty(neg.Features[1].Options);
        // libvmaf names the features with the option suffix (feature_name.c).
        Assert.Equal("integer_adm2_egl_1", VmafModel.OutputName(neg.Features[0].Name, neg.Features[0].Options));
        var plain = VmafModel.Load(ModelPath("vmaf_v0.6.1"));
        Assert.All(plain.Features, f => Assert.Empty(f.Options));
        Assert.Equal("integer_adm2", VmafModel.OutputName(plain.Features[0].Name, plain.Features[0].Options));
    }

    [Fact]
    public void Locator_finds_models_by_name_path_and_environment_and_lists_every_place_when_missing()
    {
        // Names are found in models/ beside the program (the build copies the shipped models there),
        // never by walking up from where the program runs to a checkout.
        string Beside(string name) => Path.Combine(AppContext.BaseDirectory, "models", name + ".json");
        Assert.Equal(Beside("vmaf_4k_v0.6.1"), ModelLocator.Find("vmaf_4k_v0.6.1"));
        Assert.Equal(Beside("vmaf_v0.6.1"), ModelLocator.Find(null));
        Assert.Equal(ModelPath("vmaf_v0.6.1neg"), ModelLocator.Find(ModelPath("vmaf_v0.6.1neg")));
        var e = Assert.Throws<FileNotFoundException>(() => ModelLocator.Find("no_such_model"));
        Assert.Contains(Path.Combine(AppContext.BaseDirectory, "models", "no_such_model"), e.Message);
        Assert.DoesNotContain("vmaf-models", e.Message);
        Assert.Contains("/usr/share/vmaf/model", e.Message);
        Assert.Contains("/usr/local/share/vmaf/model", e.Message);
        var dir = Repo.Scratch("models");
        File.Copy(ModelPath("vmaf_float_v0.6.1"), Path.Combine(dir, "mine.json"));
        Environment.SetEnvironmentVariable("VMAF_MODEL_PATH", dir);
        try { Assert.Equal(Path.Combine(dir, "mine.json"), ModelLocator.Find("mine")); }
        finally { Environment.SetEnvironmentVariable("VMAF_MODEL_PATH", null); }
        // A model file in VMAF_MODEL_PATH is the default when no model is named, ahead of models/.
        Environment.SetEnvironmentVariable("VMAF_MODEL_PATH", Path.Combine(dir, "mine.json"));
        try
        {
            Assert.Equal(Path.Combine(dir, "mine.json"), ModelLocator.Find(null));
            Assert.Equal(Beside("vmaf_v0.6.1"), ModelLocator.Find("vmaf_v0.6.1"));
        }
        finally { Environment.SetEnvironmentVariable("VMAF_MODEL_PATH", null); }
    }

    private sealed class Collect : IVmafSink
    {
        public readonly List<(long Index, double Vmaf, double[] Features)> Frames = [];
        public void OnFrame(long index, double vmaf, ReadOnlySpan<double> features) => Frames.Add((index, vmaf, features.ToArray()));
    }

    private static byte[] Pattern(int w, int h, int seed, int noise = 0)
    {
        var rng = new Random(seed);
        var p = new byte[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                p[y * w + x] = (byte)Math.Clamp(128 + 60 * Math.Sin(x * 0.21 + seed) * Math.Cos(y * 0.13) + (noise > 0 ? rng.Next(-noise, noise + 1) : 0), 0, 255);
        return p;
    }

    /// <summary>8x8 blocks of random flat levels; a nonzero jitter moves some blocks' levels by one.</summary>
    private static byte[] Blocks(int w, int h, int seed, int jitter)
    {
        var rng = new Random(seed);
        var levels = Enumerable.Range(0, (w / 8 + 1) * (h / 8 + 1)).Select(_ => rng.Next(16, 236)).ToArray();
        var jitterRng = new Random(seed + 100);
        var moved = levels.Select(l => l + (jitter > 0 ? jitterRng.Next(-jitter, jitter + 1) : 0)).ToArray();
        var p = new byte[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                p[y * w + x] = (byte)moved[(y / 8) * (w / 8 + 1) + x / 8];
        return p;
    }

    private static List<(long Index, double Vmaf, double[] Features)> Run(int w, int h, IEnumerable<(byte[] Ref, byte[] Dist)> frames, VmafOptions? options = null, string model = "vmaf_float_v0.6.1")
    {
        var sink = new Collect();
        var scorer = new VmafScorer(VmafModel.Load(ModelPath(model)), w, h, options ?? new VmafOptions(), sink);
        foreach (var (r, d) in frames) scorer.Push(new SamplePlane(r, w, h, w), new SamplePlane(d, w, h, w));
        scorer.Flush();
        return sink.Frames;
    }

    /// <summary>A feature's column, as the float model's scorer orders them.</summary>
    private static int Col(string name)
    {
        using var scorer = new VmafScorer(VmafModel.Load(ModelPath("vmaf_float_v0.6.1")), 32, 32, new VmafOptions(), new Collect());
        return scorer.FeatureNames.ToList().IndexOf(name) is var i and >= 0 ? i : throw new ArgumentException(name);
    }

    [Fact]
    public void Identical_pictures_give_vif_and_adm_of_one()
    {
        var p = Pattern(96, 64, 1);
        var f = Assert.Single(Run(96, 64, [(p, p)]));
        foreach (var name in new[] { "vif_scale0", "vif_scale1", "vif_scale2", "vif_scale3", "adm2" })
            Assert.InRange(f.Features[Col(name)], 0.99999, 1.00001);
        Assert.Equal(0, f.Features[Col("motion2")]);
    }

    [Fact]
    public void Motion_of_a_flat_step_is_the_step_and_motion2_takes_the_smaller_neighbour()
    {
        int w = 40, h = 32;
        byte[] Flat(byte v) => Enumerable.Repeat(v, w * h).ToArray();
        var frames = Run(w, h, [(Flat(100), Flat(100)), (Flat(110), Flat(110)), (Flat(114), Flat(114))]);
        Assert.Equal([0L, 1, 2], frames.Select(f => f.Index));
        // The 5-tap blur of a flat picture is flat (its taps sum to 1 within float rounding).
        Assert.Equal(0, frames[0].Features[Col("motion")]);
        Assert.InRange(frames[1].Features[Col("motion")], 9.999, 10.001);
        Assert.InRange(frames[2].Features[Col("motion")], 3.999, 4.001);
        Assert.Equal(0, frames[0].Features[Col("motion2")]);
        Assert.InRange(frames[1].Features[Col("motion2")], 3.999, 4.001);   // min(10, 4)
        Assert.InRange(frames[2].Features[Col("motion2")], 3.999, 4.001);   // last frame keeps its motion
    }

    [Fact]
    public void Neg_model_does_not_reward_enhancement()
    {
        // A sharpened (contrast-boosted) distorted picture: VIF gain above 1 counts for the plain model, not for NEG.
        int w = 128, h = 96;
        var r = Pattern(w, h, 4);
        var d = r.Select(v => (byte)Math.Clamp(128 + (v - 128) * 1.3, 0, 255)).ToArray();
        var plain = Assert.Single(Run(w, h, [(r, d)]));
        var neg = Assert.Single(Run(w, h, [(r, d)], model: "vmaf_float_v0.6.1neg"));
        Assert.True(plain.Features[Col("vif_scale0")] > 1);
        Assert.InRange(neg.Features[Col("vif_scale0")], 0, 1.00001);
        Assert.True(neg.Vmaf < plain.Vmaf);
    }

    [Fact]
    public void Frames_below_the_minimum_size_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new VmafScorer(VmafModel.Load(ModelPath("vmaf_v0.6.1")), 15, 64, new VmafOptions(), new Collect()));
    }

    /// <summary>
    /// The float vector paths against the scalar ones: the same frames scored by eq vmaf in this
    /// runtime's configuration and in a child process with DOTNET_EnableHWIntrinsic=0, where
    /// every kernel takes its scalar form. The float paths sum in another order, hence a tolerance.
    /// </summary>
    [Theory]
    [InlineData(64, 48)]
    [InlineData(131, 77)]
    [InlineData(352, 288)]
    public void Simd_paths_agree_with_the_scalar_reference(int w, int h)
    {
        var frames = Enumerable.Range(0, 3).Select(i => (Pattern(w, h, i), Pattern(w, h, i, noise: 12))).ToList();
        var (vector, scalar) = VectorAndScalar(w, h, frames, "vmaf_float_v0.6.1");
        for (int f = 0; f < frames.Count; f++)
            foreach (var (name, v) in vector[f])
                Assert.True(Math.Abs(v - scalar[f][name]) <= (name == "vmaf" ? 1e-3 : 2e-5), $"frame {f} {name}: vector {v}, scalar {scalar[f][name]}");
    }

    [Theory]
    [InlineData(64, 48, "vmaf_v0.6.1")]
    [InlineData(131, 77, "vmaf_v0.6.1")]
    [InlineData(352, 288, "vmaf_v0.6.1")]
    [InlineData(203, 131, "vmaf_v0.6.1neg")]
    [InlineData(1280, 720, "vmaf_v1.0.16_3d0h")] // speed_chroma's QR products run in float lanes: the same floats
    public void Integer_Simd_paths_give_the_scalar_integers_exactly(int w, int h, string model)
    {
        // Strong noise and a moving pattern reach every branch: flat and textured VIF pixels,
        // decoupling inside and outside the angle rule, masked and unmasked ADM coefficients.
        // Flat blocks (as a coarse encode leaves them) reach the rounding edges of flat pixels.
        var frames = Enumerable.Range(0, 4).Select(i => (Pattern(w, h, i, noise: 3 * i), Pattern(w, h, i + 1, noise: 40)))
            .Append((Blocks(w, h, 1, 0), Blocks(w, h, 1, 1))).Append((Blocks(w, h, 2, 0), Pattern(w, h, 2, noise: 20))).ToList();
        var (vector, scalar) = VectorAndScalar(w, h, frames, model);
        Assert.Equal(scalar.Count, vector.Count);
        for (int f = 0; f < frames.Count; f++) Assert.Equal(scalar[f], vector[f]);
    }

    /// <summary>
    /// SpEED keeps every 16th sample of its low-passed plane and filters only those: each kept
    /// sample must be the full filter's, bit for bit, at the edges (mirrored taps) and inside.
    /// </summary>
    [Theory]
    [InlineData(640, 360, 16, 1.0f)]
    [InlineData(97, 83, 16, 0.5f)]
    [InlineData(333, 170, 8, 2.0f)]
    public void A_decimated_filter_keeps_the_full_filters_samples(int w, int h, int step, float scale)
    {
        var rng = new Random(w * h);
        var plane = new float[w * h];
        for (int i = 0; i < plane.Length; i++) plane[i] = (float)(rng.Next(256) - 128 + rng.NextDouble());
        int n = GaussianKernel.Size(1, scale);
        var taps = GaussianKernel.Taps(n, (float)(2.0 * n / 5.0));
        var full = new float[w * h];
        var row = new float[w];
        SeparableFilter.Apply(taps, SeparableFilter.Input.Plain, plane, null, full, w, h, row);
        int outW = w / step, outH = h / step;
        var kept = new float[outW * outH];
        SeparableFilter.ApplyDecimated(taps, plane, kept, w, h, step, outW, outH, row);
        for (int i = 0; i < outH; i++)
            for (int j = 0; j < outW; j++)
                Assert.True(full[i * step * w + j * step] == kept[i * outW + j], $"({i}, {j}): {kept[i * outW + j]} against {full[i * step * w + j * step]}");
    }

    [Fact]
    public void Simd_long_to_float_rounds_once_as_the_scalar_cast()
    {
        // Above 2^53 a long's double is already rounded, and rounding that to float can break a tie
        // the wrong way: 2^54 + 2^30 + 1 is just above half a float step (2^31) over 2^54, but its
        // double is 2^54 + 2^30, a tie that rounds to even, down. The cast rounds once, up.
        var rng = new Random(29);
        var values = new List<long> { 0, 1, -1, (1L << 54) + (1L << 30) + 1, -((1L << 54) + (1L << 30) + 1),
            (1L << 53) - 1, 1L << 53, (1L << 53) + 1, (1L << 62) + (1L << 38), long.MaxValue, long.MinValue, long.MinValue + 1 };
        for (int i = 0; i < 4000; i++)
        {
            int bits = rng.Next(25, 63);
            long half = 1L << (bits - 25);  // half a float step at this magnitude, where ties live
            long x = (1L << bits) + rng.NextInt64(1L << bits) / (2 * half) * (2 * half) + half + rng.Next(-2, 3);
            values.Add(rng.Next(2) == 0 ? x : -x);
        }
        for (int i = 0; i + 4 <= values.Count; i += 4)
        {
            var got = EncodeQuality.Vmaf.Features.Integer.IntegerAdmExtractor.ToFloat(System.Runtime.Intrinsics.Vector256.Create(values[i], values[i + 1], values[i + 2], values[i + 3]));
            for (int k = 0; k < 4; k++) Assert.Equal((double)(float)values[i + k], got[k]);
        }
    }

    /// <summary>eq vmaf's per-frame metrics for the frames, with this runtime's vectors and with none (a child process each).</summary>
    private static (List<Dictionary<string, double>> Vector, List<Dictionary<string, double>> Scalar) VectorAndScalar(
        int w, int h, IReadOnlyList<(byte[] Ref, byte[] Dist)> frames, string model)
    {
        string dir = Support.Repo.Scratch("simd");
        string id = $"{w}x{h}-{model}-{Guid.NewGuid():N}";
        string refPath = Path.Combine(dir, $"ref-{id}.y4m"), distPath = Path.Combine(dir, $"dist-{id}.y4m");
        WriteY4m(refPath, w, h, frames.Select(f => f.Ref));
        WriteY4m(distPath, w, h, frames.Select(f => f.Dist));
        List<Dictionary<string, double>> Score(string? hwIntrinsics)
        {
            string json = Path.Combine(dir, $"{id}-{hwIntrinsics ?? "on"}.json");
            var o = Support.EqProcess.RunWith(new Dictionary<string, string?> { ["DOTNET_EnableHWIntrinsic"] = hwIntrinsics },
                "vmaf", "--ref", refPath, "--dist", distPath, "--vmaf-model", model, "--vmaf-engine", "managed", "--json", json);
            Assert.True(o.ExitCode == 0, o.StdErr);
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
            return [.. doc.RootElement.GetProperty("frames").EnumerateArray()
                .Select(f => f.GetProperty("metrics").EnumerateObject().ToDictionary(m => m.Name, m => m.Value.GetDouble()))];
        }
        // With this runtime's setting inherited (the test script reruns at narrower widths), then with no vectors at all.
        return (Score(Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic")), Score("0"));
    }

    /// <summary>
    /// Luma pictures as an 8-bit 4:2:0 Y4M file, chroma taken from the luma (every other sample,
    /// and its complement for V) so that chroma features see texture.
    /// </summary>
    private static void WriteY4m(string path, int w, int h, IEnumerable<byte[]> lumas)
    {
        using var f = File.Create(path);
        f.Write(System.Text.Encoding.ASCII.GetBytes($"YUV4MPEG2 W{w} H{h} F25:1 Ip A1:1 C420jpeg\n"));
        int cw = (w + 1) / 2, ch = (h + 1) / 2;
        foreach (var y in lumas)
        {
            f.Write("FRAME\n"u8);
            f.Write(y);
            var u = new byte[cw * ch];
            for (int i = 0; i < ch; i++)
                for (int j = 0; j < cw; j++) u[i * cw + j] = y[2 * i * w + 2 * j];
            f.Write(u);
            f.Write(u.Select(v => (byte)(255 - v)).ToArray());
        }
    }

    [Fact]
    public void Ten_bit_samples_are_brought_to_the_8bit_scale_and_offset()
    {
        int w = 37, h = 3;
        var eight = Enumerable.Range(0, w * h).Select(i => (byte)(i * 7)).ToArray();
        var ten = eight.Select(v => (ushort)(v * 4)).ToArray();
        var a = new FloatPlane(w, h);
        var b = new FloatPlane(w, h);
        new SamplePlane(eight, w, h, w).ToFloat(a);
        new SamplePlane(ten, w, h, w, 10).ToFloat(b);
        Assert.Equal(a.Data, b.Data);
        Assert.Equal(eight.Select(v => v - 128f), a.Data.Take(w * h));
    }
}

public class VmafAllocationTests
{
    private sealed class Nothing : IVmafSink
    {
        public void OnFrame(long index, double vmaf, ReadOnlySpan<double> features) { }
    }

    /// <summary>
    /// Steady state: pushing frames allocates nothing on the managed heap, on the caller's thread or
    /// a frame worker's (slots are per size, workers are started once), for the integer and the
    /// float path. Each thread's own exact counter is read, so other threads (the test runner, the
    /// JIT's background tier-up) cannot be counted.
    /// </summary>
    [Theory]
    [InlineData("vmaf_v0.6.1", 1)]
    [InlineData("vmaf_v0.6.1", 3)]
    [InlineData("vmaf_float_v0.6.1", 1)]
    [InlineData("vmaf_float_v0.6.1", 2)]
    public void Pushing_frames_allocates_nothing_per_frame(string model, int threads)
    {
        int w = 160, h = 96;
        var r = new byte[w * h];
        var d = new byte[w * h];
        new Random(1).NextBytes(r);
        new Random(2).NextBytes(d);
        using var scorer = new VmafScorer(VmafModel.Load(Repo.Shared($"vmaf-models/{model}.json")), w, h, new VmafOptions { Threads = threads }, new Nothing());
        for (int i = 0; i < 40; i++) scorer.Push(new SamplePlane(r, w, h, w), new SamplePlane(d, w, h, w)); // warm up, past tier-up
        long workersBefore = scorer.Workers.WorkerAllocatedBytes;
        long callerBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) scorer.Push(new SamplePlane(r, w, h, w), new SamplePlane(d, w, h, w));
        long caller = GC.GetAllocatedBytesForCurrentThread() - callerBefore;
        long workers = scorer.Workers.WorkerAllocatedBytes - workersBefore;
        Assert.Equal((0L, 0L), (caller, workers));
    }
}

/// <summary>What the memory estimate counts for VMAF, against what a scorer really allocates.</summary>
public class VmafWorkingSetTests
{
    private sealed class Nothing : IVmafSink
    {
        public void OnFrame(long index, double vmaf, ReadOnlySpan<double> features) { }
    }

    /// <summary>
    /// The declared working set (frames in flight and each worker's extractors) covers what building
    /// a scorer allocates, and by no more than 5 %: for the integer, float and v1 models, at 1 to 3
    /// threads. Every buffer is allocated when the scorer is built, on the building thread.
    /// </summary>
    [Theory]
    [InlineData("vmaf_v0.6.1", 1280, 720, 1)]
    [InlineData("vmaf_v0.6.1", 1920, 1080, 3)]
    [InlineData("vmaf_v0.6.1", 352, 288, 2)]
    [InlineData("vmaf_float_v0.6.1", 1280, 720, 2)]
    [InlineData("vmaf_v1.0.16_3d0h", 1280, 720, 2)]
    [InlineData("vmaf_v1.0.16_1d5h_2160", 1920, 1080, 1)]
    public void The_declared_working_set_bounds_a_scorers_allocation(string name, int width, int height, int threads)
    {
        var model = VmafModel.Load(Repo.Shared($"vmaf-models/{name}.json"));
        var options = new VmafOptions { Threads = threads };
        using (new VmafScorer(model, 512, 512, options, new Nothing())) { } // the extractors' shared tables, made once per process
        long before = GC.GetAllocatedBytesForCurrentThread();
        using var scorer = new VmafScorer(model, width, height, options, new Nothing());
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long declared = VmafScorer.WorkingSet(model, width, height, options);
        Assert.InRange(declared, allocated, allocated * 21 / 20);
    }
}
