using EncodeQuality.Pipeline;
using EncodeQuality.Metrics;
using EncodeQuality.Tests.Support;
using EncodeQuality.Vmaf;

namespace EncodeQuality.Tests;

/// <summary>
/// A cross-check against an older, independent libvmaf (1.3.7, float features, vmaf_float_v0.6.1,
/// run by the npm FFmpeg). The engine follows libvmaf 3 (VmafReferenceTests), and libvmaf 3's
/// float features differ from 1.3.7's (reflect-101 borders, a polynomial log2, float sums; see
/// ../shared/README.md): on CIF and QCIF, motion2 by up to 0.028, the VIF scales by up to 5e-3 and
/// VMAF by up to 0.32 per frame and 0.10 on the mean. The bounds below are that version
/// difference, so this test still catches a broken engine (a wrong scale or feature is off by far
/// more) without pinning 1.3.7's rounding. Both sides read the same lossless y4m files.
/// </summary>
public class VmafOracleTests
{
    private static readonly string[] Features = ["adm2", "motion2", "vif_scale0", "vif_scale1", "vif_scale2", "vif_scale3"];

    // The libvmaf 1.3.7 -> 3 differences documented in ../shared/README.md and the libvmaf 3 issue.
    // The mean bound is the largest measured here: cif-x265-crf51 (VMAF about 15) differs from 1.3.7
    // by 0.1225 on the mean, and on these same files the engine equals a libvmaf 3.2.0 build within 1e-5.
    private static double VersionDifference(string feature) => feature == "motion2" ? 0.03 : 5e-3;
    private const double VmafVersionDifference = 0.35, MeanVersionDifference = 0.13;
    private static readonly string Dir = Repo.Scratch("oracle");

    /// <summary>Writes the first frames of a source as y4m, optionally through a filter.</summary>
    private static string Y4m(string name, string[] input, int frames, string? filter = null, string pixFmt = "yuv420p")
    {
        string path = Path.Combine(Dir, name + ".y4m");
        if (File.Exists(path)) return path;
        var args = new List<string>(input) { "-frames:v", frames.ToString() };
        if (filter is not null) args.AddRange(["-vf", filter]);
        args.AddRange(["-pix_fmt", pixFmt, "-strict", "-1", "-f", "yuv4mpegpipe", "-y", path]);
        Ffmpeg.Run([.. args]);
        return path;
    }

    /// <summary>Encodes a y4m with FFmpeg's libx264/libx265 and decodes it back to y4m.</summary>
    private static string Encoded(string source, string codec, int crf, string pixFmt = "yuv420p")
    {
        string name = $"{Path.GetFileNameWithoutExtension(source)}-{codec}-{crf}";
        string coded = Path.Combine(Dir, name + (codec == "libx265" ? ".hevc.mkv" : ".h264.mkv"));
        if (!File.Exists(coded))
            Ffmpeg.Run(["-i", source, "-c:v", codec, "-crf", crf.ToString(), "-preset", "veryfast", .. (codec == "libx265" ? new[] { "-x265-params", "log-level=error" } : []), "-y", coded]);
        return Y4m(name, ["-i", coded], 1000, pixFmt: pixFmt);
    }

    private static string Cif(int frames = 24) => Y4m("cif", ["-i", Repo.Media("BA1_FT_C.264")], frames);

    public static TheoryData<string> Cases => new()
    {
        "cif-x264-crf18", "cif-x264-crf30", "cif-x264-crf51", "cif-x265-crf28", "cif-x265-crf51",
        "720p-x264-crf35", "cisco-yuv-x264-crf40", "identical", "flat-and-black", "odd-size",
    };

    private static (string Ref, string Dist) Make(string name) => name switch
    {
        "cif-x264-crf18" => (Cif(), Encoded(Cif(), "libx264", 18)),
        "cif-x264-crf30" => (Cif(), Encoded(Cif(), "libx264", 30)),
        "cif-x264-crf51" => (Cif(), Encoded(Cif(), "libx264", 51)),
        "cif-x265-crf28" => (Cif(), Encoded(Cif(), "libx265", 28)),
        "cif-x265-crf51" => (Cif(), Encoded(Cif(), "libx265", 51)),
        "720p-x264-crf35" => (Y4m("720p", ["-i", Repo.Media("VID_1280x720_cabac_temporal_direct.264")], 8) is var r720
            ? (r720, Encoded(r720, "libx264", 35)) : default),
        "cisco-yuv-x264-crf40" => (Y4m("cisco", ["-f", "rawvideo", "-pix_fmt", "yuv420p", "-video_size", "320x192", "-framerate", "12",
            "-i", Repo.Media("CiscoVT2people_320x192_12fps.yuv")], 9) is var rc ? (rc, Encoded(rc, "libx264", 40)) : default),
        "identical" => (Cif(12), Cif(12)),
        // Flat grey, black and a still frame with noise: the statistics' corner cases.
        "flat-and-black" => (Y4m("flat-ref", ["-f", "lavfi", "-i", "color=c=gray:s=320x240:r=25:d=0.2,format=yuv420p[g];color=c=black:s=320x240:r=25:d=0.2[b];[g][b]concat=n=2:v=1"], 10),
            Y4m("flat-dist", ["-f", "lavfi", "-i", "color=c=gray:s=320x240:r=25:d=0.2,format=yuv420p,noise=alls=8:allf=t[g];color=c=black:s=320x240:r=25:d=0.2[b];[g][b]concat=n=2:v=1"], 10)),
        "odd-size" => (Y4m("odd-ref", ["-i", Cif(12)], 12, "crop=351:287:0:0"), Y4m("odd-dist", ["-i", Encoded(Cif(), "libx264", 35)], 12, "crop=351:287:0:0")),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Managed_vmaf_matches_libvmaf(string name)
    {
        var (reference, distorted) = Make(name);
        var expected = Oracle.Score(reference, distorted);
        var actual = Managed(reference, distorted, new VmafOptions());
        Assert.Equal(expected.Count, actual.Frames);
        for (int f = 0; f < expected.Count; f++)
        {
            foreach (var feature in Features)
            {
                if (name == "flat-and-black" && feature == "adm2")
                {
                    // libvmaf 3 (not 1.3.7) scores ADM 1 when its denominator is below the numden
                    // limit, as on a flat reference (a libvmaf 3.2.0 build prints 1.000000 on these frames).
                    Assert.Equal(1.0, actual.Sheet.Get(feature, f), tolerance: 5e-5);
                    continue;
                }
                double d = actual.Sheet.Get(feature, f) - expected[f][feature];
                Assert.True(Math.Abs(d) <= VersionDifference(feature), $"{name} frame {f} {feature}: ours {actual.Sheet.Get(feature, f):F6}, libvmaf 1.3.7 {expected[f][feature]:F5}");
            }
            // On the flat frames 1.3.7's larger adm2 drives VMAF to the clip (100); libvmaf 3 gives 97.43.
            if (name == "flat-and-black") continue;
            double dv = actual.Sheet.Get("vmaf", f) - expected[f]["vmaf"];
            Assert.True(Math.Abs(dv) <= VmafVersionDifference, $"{name} frame {f} vmaf: ours {actual.Sheet.Get("vmaf", f):F4}, libvmaf 1.3.7 {expected[f]["vmaf"]:F4}");
        }
        if (name == "flat-and-black") return;
        double mean = actual.Sheet.Values("vmaf").Average(), expectedMean = expected.Average(f => f["vmaf"]);
        Assert.InRange(mean - expectedMean, -MeanVersionDifference, MeanVersionDifference);
    }

    /// <summary>
    /// 10-bit: the oracle's FFmpeg 4.1 filter hands libvmaf 1.3.7 raw 10-bit samples, where libvmaf
    /// itself scales them to the 8-bit range (picture_copy divides by 4), so its 10-bit numbers are
    /// not libvmaf's. The check that holds: 10-bit pictures equal to 8-bit pictures times 4 must
    /// score exactly as the 8-bit pictures do, and those match the oracle.
    /// </summary>
    [Fact]
    public void Ten_bit_content_scores_as_libvmaf_scores_its_8bit_equivalent()
    {
        var (reference, distorted) = Make("cif-x264-crf30");
        string ref10 = Y4mShift(reference, Path.Combine(Dir, "cif10.y4m"));
        string dist10 = Y4mShift(distorted, Path.Combine(Dir, "cif10-dist.y4m"));
        var eight = Managed(reference, distorted, new VmafOptions());
        var ten = Managed(ref10, dist10, new VmafOptions());
        Assert.Equal(10, ten.Format.BitDepth);
        foreach (var feature in eight.Sheet.FeatureNames)
            Assert.Equal(eight.Sheet.Values(feature), ten.Sheet.Values(feature));
        var expected = Oracle.Score(reference, distorted);
        for (int f = 0; f < expected.Count; f++)
            Assert.InRange(ten.Sheet.Get("vmaf", f) - expected[f]["vmaf"], -VmafVersionDifference, VmafVersionDifference);
    }

    /// <summary>Rewrites an 8-bit 4:2:0 y4m as 10-bit with every sample times 4.</summary>
    private static string Y4mShift(string source, string target)
    {
        var bytes = File.ReadAllBytes(source);
        int headerEnd = Array.IndexOf(bytes, (byte)'\n');
        var header = System.Text.Encoding.ASCII.GetString(bytes, 0, headerEnd).Split(' ');
        int w = int.Parse(header.First(t => t[0] == 'W')[1..]), h = int.Parse(header.First(t => t[0] == 'H')[1..]);
        var fields = header.Where(t => t[0] != 'C' && !t.StartsWith("XYSCSS")).Append("C420p10").Append("XYSCSS=420P10");
        int frameBytes = w * h + 2 * ((w + 1) / 2) * ((h + 1) / 2);
        using var o = File.Create(target);
        o.Write(System.Text.Encoding.ASCII.GetBytes(string.Join(' ', fields) + "\n"));
        for (int pos = headerEnd + 1; pos < bytes.Length;)
        {
            int lineEnd = Array.IndexOf(bytes, (byte)'\n', pos);
            o.Write(bytes, pos, lineEnd - pos + 1); // FRAME line
            pos = lineEnd + 1;
            var frame = new byte[2 * frameBytes];
            for (int i = 0; i < frameBytes; i++)
            {
                int v = bytes[pos + i] << 2;
                frame[2 * i] = (byte)v;
                frame[2 * i + 1] = (byte)(v >> 8);
            }
            o.Write(frame);
            pos += frameBytes;
        }
        return target;
    }

    [Fact]
    public void Subsampling_scores_every_nth_frame_with_the_motion_of_the_full_sequence()
    {
        var (reference, distorted) = Make("cif-x264-crf30");
        var all = Managed(reference, distorted, new VmafOptions());
        var sub = Managed(reference, distorted, new VmafOptions { Subsample = 5 });
        var scored = sub.Sheet.ScoredFrames().ToList();
        Assert.Equal(Enumerable.Range(0, all.Frames).Where(f => f % 5 == 0), scored);
        // Unlike libvmaf's n_subsample (Netflix/vmaf#1214), motion stays the full-sequence motion.
        foreach (var f in scored)
            foreach (var feature in all.Sheet.FeatureNames)
                Assert.Equal(all.Sheet.Get(feature, f), sub.Sheet.Get(feature, f));
    }

    internal static FileComparer.Result Managed(string reference, string distorted, VmafOptions options, string model = "vmaf_float_v0.6.1")
    {
        var catalog = new MetricCatalog();
        VmafMetric.Register(catalog, model, options, EncodeQuality.LibVmaf.VmafEngineKind.Managed);
        return new FileComparer(catalog).Compare(reference, null, distorted, null, ["vmaf"], CancellationToken.None);
    }
}
