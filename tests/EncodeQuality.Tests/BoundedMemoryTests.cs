using EncodeQuality.Native;
using EncodeQuality.Tests.Support;
using static EncodeQuality.Tests.Support.Harness;

namespace EncodeQuality.Tests;

/// <summary>
/// Queue high-water marks stay within the documented bounds: the lookahead queue and reorder
/// window within encoder delay + 1, the frames the encoder holds within the delay it reports,
/// and the rung's frame pool within RungJob.MaxRungFrames.
/// </summary>
public class BoundedMemoryTests
{
    [Theory]
    [InlineData(VideoCodec.X265, 60, 8, "medium")]
    [InlineData(VideoCodec.X265, 60, 8, "ultrafast")]
    [InlineData(VideoCodec.X264, 60, 8, "medium")]
    public void High_water_marks_stay_within_the_documented_bound(VideoCodec codec, int lookahead, int bframes, string preset)
    {
        var dir = Repo.Scratch("bound");
        var run = Encode(Repo.Media("BA1_FT_C.264"), [Rung("r", codec, 144, lookahead: lookahead, bframes: bframes, preset: preset)],
            dir, maxFrames: 150, metrics: ["psnr"]);
        var q = run.Outcome.Renditions[0].Facts.Queues!.Value;
        Assert.True(q.EncoderMaxDelay >= lookahead, $"reported delay {q.EncoderMaxDelay} ignores rc-lookahead {lookahead}");
        Assert.Equal(q.EncoderMaxDelay + 1, q.LookaheadCapacity);
        Assert.InRange(q.EncoderHighWater, 1, q.EncoderMaxDelay);
        Assert.InRange(q.LookaheadHighWater, 1, q.LookaheadCapacity);
        Assert.InRange(q.ReorderHighWater, 1, q.ReorderCapacity);
        Assert.InRange(q.RungFramesAllocated, 1, q.MaxRungFrames);
    }
}
