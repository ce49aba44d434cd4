using EncodeQuality.Native.Frames;
using EncodeQuality.Native;
using EncodeQuality.Tests.Support;
using static EncodeQuality.Tests.Support.Harness;
using EncodeQuality.Model;

namespace EncodeQuality.Tests;

/// <summary>
/// Every source frame is scored exactly once per rendition and in display order, including raw
/// .264 input without timestamps and a 10-bit input. With --score-at source the references the
/// metrics receive are the source pictures themselves, so they are checked against FFmpeg's
/// decode of the source, frame by frame.
/// </summary>
public class FrameOrderTests
{
    [Theory]
    [InlineData("BA1_FT_C.264", 0)]
    [InlineData("VID_1280x720_cabac_temporal_direct.264", 48)]
    public void Raw_h264_without_timestamps_is_scored_once_per_frame_in_display_order(string clip, int frames)
    {
        var dir = Repo.Scratch("order");
        var source = Repo.Media(clip);
        var run = Encode(source,
        [
            Rung("a", VideoCodec.X264, 144, bframes: 3, preset: "ultrafast", prms: [("bframes", "3")]),
            Rung("b", VideoCodec.X265, 128, bframes: 4, preset: "ultrafast"),
        ], dir, ScoreAt.Source, maxFrames: frames);
        int expected = frames > 0 ? frames : Ffmpeg.CountFrames(source);
        AssertScoredInOrder(run, source, expected, "yuv420p");
    }

    [Fact]
    public void Ten_bit_input_is_scored_once_per_frame_in_display_order()
    {
        var dir = Repo.Scratch("order10");
        var source = TenBitCopy(Repo.Media("BA1_FT_C.264"), 24, dir);
        var run = Encode(source, [Rung("a", VideoCodec.X264, 144, bframes: 3), Rung("b", VideoCodec.X265, 144, bframes: 3)],
            dir, ScoreAt.Source);
        AssertScoredInOrder(run, source, 24, "yuv420p10le");
    }

    private static void AssertScoredInOrder(Harness.Run run, string path, int expected, string pixFmt)
    {
        Assert.Equal(expected, run.Outcome.Frames);
        var source = run.Outcome.Run.Source;
        var format = new VideoFormat(source.Width, source.Height, source.BitDepth);
        var decoded = Ffmpeg.DecodeFrames(path, pixFmt, format.FrameBytes, maxFrames: expected);
        Assert.Equal(expected, decoded.Count);
        foreach (var capture in run.Captures)
        {
            Assert.Equal(Enumerable.Range(0, expected).Select(i => (long)i), capture.Indices);
            for (int f = 0; f < expected; f++)
                Assert.True(CaptureMetric.Hash(decoded[f]) == capture.ReferenceHashes[f], $"reference of frame {f} is not source frame {f}");
        }
        foreach (var r in run.Outcome.Renditions)
        {
            Assert.Equal(expected, r.Facts.Frames);
            Assert.True(r.At(ScoreAt.Source)!.Sheet.IsComplete(expected));
        }
    }
}
