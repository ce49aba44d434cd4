using System.Text.Json;
using EncodeQuality.Pipeline;
using EncodeQuality.Metrics;
using EncodeQuality.Tests.Support;
using EncodeQuality.Vmaf;

namespace EncodeQuality.Tests;

/// <summary>
/// The managed engine and the PSNR/SSIM/MS-SSIM metrics against libvmaf 3.2.0's own per-frame
/// scores in ../shared/vmaf-reference (see its README). References are remade from ../shared/media
/// with FFmpeg as that README says; distorted frames are FFmpeg-compatible decodes of NAME.dist.mkv.
/// Tolerances are the issue's: integer features within 2e-6 (bit-exact up to the 6 printed
/// decimals) and VMAF 1e-4 per frame; float features 5e-5, VMAF 0.005 per frame and 0.002 on the
/// mean; PSNR 1e-4 dB; float_ssim and float_ms_ssim 1e-5.
/// </summary>
public class VmafReferenceTests
{
    private static readonly string Dir = Repo.Scratch("vmaf3");
    private static readonly object Lock = new();

    /// <summary>The reference of a pair, made as ../shared/vmaf-reference/README.md says (once per run).</summary>
    internal static string Reference(string pair)
    {
        var (name, args) = pair switch
        {
            "720p_x264_crf30" or "720p_x265_crf38" => ("720p.y4m", new[] { "-i", Repo.Media("VID_1280x720_cabac_temporal_direct.264"), "-frames:v", "60", "-pix_fmt", "yuv420p" }),
            "cif_x264_crf24" or "cif_x265_crf44" => ("cif.y4m", ["-i", Repo.Media("BA1_FT_C.264"), "-frames:v", "120", "-pix_fmt", "yuv420p"]),
            "vt_x264_crf40" => ("vt.y4m", ["-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", "320x192", "-r", "12", "-i", Repo.Media("CiscoVT2people_320x192_12fps.yuv")]),
            // y4m has no official 10-bit 4:2:0 tag in FFmpeg 5.1; a lossless FFV1 file carries the same frames.
            "720p10_x265_crf30" => ("720p10.mkv", ["-i", Repo.Media("VID_1280x720_cabac_temporal_direct.264"), "-frames:v", "30", "-pix_fmt", "yuv420p10le", "-c:v", "ffv1"]),
            "odd351x287_blur_noise" => ("odd.y4m", ["-i", Repo.Media("BA1_FT_C.264"), "-frames:v", "60", "-vf", "crop=351:287:0:0:exact=1", "-pix_fmt", "yuv420p"]),
            _ => throw new ArgumentException(pair),
        };
        string path = Path.Combine(Dir, name);
        lock (Lock)
            if (!File.Exists(path)) Ffmpeg.Run([.. args, "-y", path]);
        return path;
    }

    /// <summary>Every reference pair and model, at 1, 2 and 3 threads (frames side by side).</summary>
    public static TheoryData<string, string, int> Cases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(Repo.Shared("vmaf-reference/README.md"))!, "*.json").Order())
        {
            var parts = Path.GetFileNameWithoutExtension(file).Split('.', 2); // NAME.MODEL, the model name has dots
            for (int threads = 1; threads <= 3; threads++) data.Add(parts[0], parts[1], threads);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Scores_agree_with_libvmaf_3(string pair, string model, int threads)
    {
        var expected = Load(Repo.Shared($"vmaf-reference/{pair}.{model}.json"));
        bool odd = pair.StartsWith("odd", StringComparison.Ordinal);
        // The odd-size files and the extra VMAF v1 variants carry the model's features only.
        bool extras = !odd && expected[0].ContainsKey("psnr_y");
        var metrics = extras ? new[] { "vmaf", "psnr", "ssim", "ms_ssim", "cambi" } : ["vmaf"];
        var actual = Score(Reference(pair), Repo.Shared($"vmaf-reference/{pair}.dist.mkv"), model, metrics, new VmafOptions { Threads = threads });
        Assert.Equal(expected.Count, actual.Frames);

        bool integer = !model.Contains("float", StringComparison.Ordinal);
        var compared = new HashSet<string>();
        var failures = new List<string>();
        for (int f = 0; f < expected.Count; f++)
            foreach (var (name, value) in expected[f])
            {
                // The odd-size files were written through the C API with libvmaf's short names.
                string ours = odd && integer && name != "vmaf" ? "integer_" + name : name;
                if (!actual.Sheet.FeatureNames.Contains(ours)) continue;
                double tolerance = Tolerance(ours, model);
                double d = actual.Sheet.Get(ours, f) - value;
                compared.Add(ours);
                if (Math.Abs(d) > tolerance) failures.Add($"frame {f} {ours}: ours {actual.Sheet.Get(ours, f):F6}, libvmaf {value:F6}");
            }
        Assert.True(failures.Count == 0, $"{pair} {model}: {failures.Count} values off, e.g. {string.Join("; ", failures.Take(5))}");

        // Every feature the model reads, and the other metrics, were compared; and so was every
        // value libvmaf logged, but float ADM's aim and adm3, which the managed engine does not write.
        var modelFeatures = EncodeQuality.Vmaf.Model.VmafModel.Load(Repo.Shared($"vmaf-models/{model}.json")).Features
            .Select(x => EncodeQuality.Vmaf.Model.VmafModel.OutputName(x.Name, x.Options));
        var required = new HashSet<string>([.. modelFeatures, "vmaf", .. !extras ? Array.Empty<string>() : ["psnr_y", "psnr_cb", "psnr_cr", "float_ssim", "float_ms_ssim", "cambi"]]);
        Assert.Empty(required.Except(compared));
        if (!odd)
            Assert.Empty(expected[0].Keys.Except(integer ? [] : ["aim", "adm3"]).Except(compared));

        double mean = actual.Sheet.Values("vmaf").Average(), expectedMean = expected.Average(e => e["vmaf"]);
        Assert.InRange(mean - expectedMean, -0.002, 0.002);
    }

    /// <summary>
    /// The issues' tolerances: VMAF 1e-4 on the integer v0.6.1 models, 0.005 on the float model and
    /// on VMAF v1 (whose CAMBI and speed_chroma are float features); cambi and speed_chroma 1e-4.
    /// </summary>
    private static double Tolerance(string feature, string model) => feature switch
    {
        "vmaf" => model.Contains("float", StringComparison.Ordinal) || model.StartsWith("vmaf_v1.", StringComparison.Ordinal) ? 0.005 : 1e-4,
        _ when feature.StartsWith("psnr_", StringComparison.Ordinal) => 1e-4,
        "float_ssim" or "float_ms_ssim" => 1e-5,
        _ when feature.StartsWith("cambi", StringComparison.Ordinal) || feature.StartsWith("speed_chroma_", StringComparison.Ordinal) => 1e-4,
        _ when feature.StartsWith("integer_", StringComparison.Ordinal) || feature.StartsWith("VMAF_integer_", StringComparison.Ordinal) => 2e-6,
        _ => 5e-5,
    };

    /// <summary>
    /// Frames scored side by side give every feature of every frame exactly as one thread does,
    /// for an integer model, the float model and a v1 model (CAMBI and speed_chroma), scoring
    /// every frame and every third (motion still sees every frame).
    /// </summary>
    [Theory]
    [InlineData("cif_x264_crf24", "vmaf_v0.6.1", 1)]
    [InlineData("cif_x264_crf24", "vmaf_v0.6.1", 3)]
    [InlineData("cif_x265_crf44", "vmaf_float_v0.6.1", 1)]
    [InlineData("vt_x264_crf40", "vmaf_v1.0.16_3d0h", 1)]
    [InlineData("vt_x264_crf40", "vmaf_v1.0.16_3d0h", 3)]
    public void Threads_give_the_same_scores(string pair, string model, int subsample)
    {
        var one = Score(Reference(pair), Repo.Shared($"vmaf-reference/{pair}.dist.mkv"), model, ["vmaf"], new VmafOptions { Threads = 1, Subsample = subsample });
        Assert.True(one.Sheet.FeatureNames.Count > 5);
        foreach (int threads in new[] { 2, 3 })
        {
            var many = Score(Reference(pair), Repo.Shared($"vmaf-reference/{pair}.dist.mkv"), model, ["vmaf"], new VmafOptions { Threads = threads, Subsample = subsample });
            Assert.Equal(one.Sheet.FeatureNames, many.Sheet.FeatureNames);
            foreach (var feature in one.Sheet.FeatureNames)
                Assert.True(one.Sheet.Values(feature).SequenceEqual(many.Sheet.Values(feature)), $"{feature} differs at {threads} threads");
        }
    }

    /// <summary>
    /// One reference against four distorted files in one eq vmaf (the reference decoded once;
    /// one file at another size, scaled to the reference's): every feature of every frame of each
    /// file's DIR/NAME.json equals that pair scored alone, and the two encodes libvmaf scored agree
    /// with libvmaf 3's own scores at the usual tolerances. A file shorter than the reference is
    /// named, exit 1.
    /// </summary>
    [Fact]
    public void Several_distorted_files_score_as_each_pair_alone()
    {
        string reference = Reference("cif_x264_crf24"), dir = Path.Combine(Dir, $"several-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        string crf35 = Path.Combine(dir, "x264_crf35.mkv"), small = Path.Combine(dir, "qcif_crf28.mkv");
        Ffmpeg.Run("-i", reference, "-c:v", "libx264", "-crf", "35", "-preset", "veryfast", "-y", crf35);
        Ffmpeg.Run("-i", reference, "-vf", "scale=176:144", "-c:v", "libx264", "-crf", "28", "-preset", "veryfast", "-y", small);
        string[] dists = [Repo.Shared("vmaf-reference/cif_x264_crf24.dist.mkv"), Repo.Shared("vmaf-reference/cif_x265_crf44.dist.mkv"), crf35, small];
        string logs = Path.Combine(dir, "logs");
        var together = EqProcess.Run(["vmaf", "--ref", reference, .. dists.SelectMany(d => new[] { "--dist", d }), "--json-dir", logs, "--vmaf-engine", "managed"]);
        Assert.True(together.ExitCode == 0, together.StdErr);
        foreach (var d in dists)
        {
            string alone = Path.Combine(dir, Path.GetFileNameWithoutExtension(d) + ".alone.json");
            var o = EqProcess.Run("vmaf", "--ref", reference, "--dist", d, "--json", alone, "--vmaf-engine", "managed");
            Assert.True(o.ExitCode == 0, o.StdErr);
            var one = Load(alone);
            var many = Load(Path.Combine(logs, Path.GetFileNameWithoutExtension(d) + ".json"));
            Assert.Equal(one.Count, many.Count);
            for (int f = 0; f < one.Count; f++) Assert.Equal(one[f], many[f]);
        }
        foreach (var pair in new[] { "cif_x264_crf24", "cif_x265_crf44" })
        {
            var expected = Load(Repo.Shared($"vmaf-reference/{pair}.vmaf_v0.6.1.json"));
            var ours = Load(Path.Combine(logs, $"{pair}.dist.json"));
            Assert.Equal(expected.Count, ours.Count);
            for (int f = 0; f < expected.Count; f++)
                foreach (var (name, value) in expected[f])
                    if (ours[f].TryGetValue(name, out var v))
                        Assert.True(Math.Abs(v - value) <= Tolerance(name, "vmaf_v0.6.1"), $"{pair} frame {f} {name}: ours {v}, libvmaf {value}");
        }
        string shorter = Path.Combine(dir, "short.mkv");
        Ffmpeg.Run("-i", reference, "-frames:v", "50", "-c:v", "libx264", "-crf", "30", "-preset", "veryfast", "-y", shorter);
        var cut = EqProcess.Run("vmaf", "--ref", reference, "--dist", dists[0], "--dist", shorter, "--vmaf-engine", "managed");
        Assert.True(cut.ExitCode == 1, cut.StdErr);
        Assert.Contains($"{shorter} ends after 50 frames", Assert.Single(cut.Errors));
    }

    internal static FileComparer.Result Score(string reference, string distorted, string model, string[] metrics, VmafOptions options)
    {
        var catalog = MetricCatalog.WithBuiltIns();
        VmafMetric.Register(catalog, Repo.Shared($"vmaf-models/{model}.json"), options, EncodeQuality.LibVmaf.VmafEngineKind.Managed);
        return new FileComparer(catalog).Compare(reference, null, distorted, null, metrics, CancellationToken.None);
    }

    /// <summary>Per-frame metrics of a libvmaf JSON log.</summary>
    internal static List<Dictionary<string, double>> Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return [.. doc.RootElement.GetProperty("frames").EnumerateArray()
            .Select(f => f.GetProperty("metrics").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()))];
    }
}
