using EncodeQuality.Native;
using EncodeQuality.Tests.Support;
using static EncodeQuality.Tests.Support.Harness;

namespace EncodeQuality.Tests;

/// <summary>
/// Recon is exact: every recon frame the metrics receive, in display order, is bit-identical to
/// the matching frame of the encoded file as FFmpeg decodes it. With B-frames and lookahead on,
/// coded order differs from display order, so this proves the lookahead matching and reordering.
/// </summary>
public class ReconExactTests
{
    [Fact]
    public void Recon_of_x264_and_x265_with_bframes_and_lookahead_equals_ffmpeg_decode_8bit()
    {
        var dir = Repo.Scratch("recon8");
        var run = Encode(Repo.Media("BA1_FT_C.264"),
        [
            Rung("x264-cif", VideoCodec.X264, 288, bframes: 3, lookahead: 20, preset: "medium"),
            Rung("x265-cif", VideoCodec.X265, 288, bframes: 4, lookahead: 20, preset: "fast"),
            Rung("x264-small", VideoCodec.X264, 144, bframes: 8, lookahead: 30, preset: "slow"),
            Rung("x265-small", VideoCodec.X265, 144, bframes: 8, lookahead: 40, preset: "medium", prms: [("b-pyramid", "1")]),
        ], dir, maxFrames: 60);
        AssertReconMatchesDecode(run, "yuv420p");
    }

    [Fact]
    public void Recon_of_x264_and_x265_is_exact_at_10bit()
    {
        var dir = Repo.Scratch("recon10");
        var source = TenBitCopy(Repo.Media("BA1_FT_C.264"), 30, dir);
        var run = Encode(source,
        [
            Rung("x264-10", VideoCodec.X264, 288, bframes: 3, lookahead: 10),
            Rung("x265-10", VideoCodec.X265, 144, bframes: 4, lookahead: 10),
        ], dir);
        Assert.All(run.Outcome.Renditions, r => Assert.Equal(10, r.Facts.BitDepth));
        Assert.Equal("yuv420p10le", Ffmpeg.Probe("-show_entries", "stream=pix_fmt", "-of", "csv=p=0", Path.Combine(dir, "x265-10.mp4")).Trim());
        AssertReconMatchesDecode(run, "yuv420p10le");
    }

    [Fact]
    public void Recon_in_matroska_is_exact_too()
    {
        var dir = Repo.Scratch("reconmkv");
        var run = Encode(Repo.Media("BA1_FT_C.264"), [Rung("x264-mkv", VideoCodec.X264, 288, bframes: 3)], dir, maxFrames: 30, container: "mkv");
        AssertReconMatchesDecode(run, "yuv420p", "mkv");
    }

    /// <summary>
    /// SVT-AV1 hands out recons in decode order (its hidden alt-ref frames first), rav1e in display
    /// order; libdav1d, the decoder FFmpeg uses for AV1, is the independent reference. A forced
    /// keyframe (segments) and a short keyint put key frames mid-stream.
    /// </summary>
    [Theory]
    [InlineData(8, "mp4")]
    [InlineData(10, "mp4")]
    [InlineData(8, "mkv")]
    public void Recon_of_svtav1_and_rav1e_equals_libdav1d_decode(int depth, string container)
    {
        var dir = Repo.Scratch($"reconav1-{depth}-{container}");
        string source = depth == 8 ? Repo.Media("BA1_FT_C.264") : TenBitCopy(Repo.Media("BA1_FT_C.264"), 40, dir);
        var run = Encode(source,
        [
            Rung("svtav1", VideoCodec.SvtAv1, 288, crf: 40, preset: "10", keyint: 24),
            Rung("svtav1-small", VideoCodec.SvtAv1, 144, crf: 30, preset: "12", prms: [("hierarchical-levels", "3")]),
            Rung("rav1e", VideoCodec.Rav1e, 144, crf: 120, preset: "10", keyint: 16),
        ], dir, maxFrames: 40, container: container);
        Assert.All(run.Outcome.Renditions, r => Assert.Equal((depth, 40L), (r.Facts.BitDepth, r.Facts.Frames)));
        AssertReconMatchesDecode(run, depth == 8 ? "yuv420p" : "yuv420p10le", container, ["-c:v", "libdav1d"]);
    }

    private static void AssertReconMatchesDecode(Run run, string pixFmt, string container = "mp4", string[]? decoder = null)
    {
        for (int i = 0; i < run.Outcome.Renditions.Count; i++)
        {
            var r = run.Outcome.Renditions[i].Facts;
            var capture = run.Captures[i];
            var format = capture.Format!.Value;
            var decoded = Ffmpeg.DecodeFrames(Path.Combine(run.OutDir, $"{r.Name}.{container}"), pixFmt, format.FrameBytes, decoder);
            Assert.Equal(r.Frames, decoded.Count);
            Assert.Equal(decoded.Count, capture.DistortedHashes.Count);
            for (int f = 0; f < decoded.Count; f++)
                Assert.True(CaptureMetric.Hash(decoded[f]) == capture.DistortedHashes[f],
                    $"{r.Name}: recon of display frame {f} differs from FFmpeg's decode of {r.Name}.{container}");
        }
    }
}
