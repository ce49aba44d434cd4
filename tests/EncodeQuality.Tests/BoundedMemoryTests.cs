using System.Globalization;
using System.Text.RegularExpressions;
using EncodeQuality.Native;
using EncodeQuality.Native.Frames;
using EncodeQuality.Tests.Support;
using static EncodeQuality.Tests.Support.Harness;
using EncodeQuality.Model;

namespace EncodeQuality.Tests;

/// <summary>
/// Memory is bounded by design: the lookahead queue is sized from the delay each encoder reports,
/// so that delay must cover what the encoder really holds; the frame pools stay within the bound
/// the rung computes; and the estimate a run is admitted on must cover the memory it really uses.
/// </summary>
public class BoundedMemoryTests
{
    /// <summary>
    /// The delay the glue reports (x264's own call; for x265 an estimate from its parameters) is
    /// checked against the delay measured by feeding frames one by one: the most frames ever in
    /// the encoder between calls without their recon out. Too small and the pipeline would stall or mismatch;
    /// far too large and every rung would hold frames it never needs.
    /// </summary>
    [Theory]
    [InlineData(VideoCodec.X265, "ultrafast", 60, 8, 1)]
    [InlineData(VideoCodec.X265, "medium", 60, 8, 4)]
    [InlineData(VideoCodec.X265, "slower", 40, 16, 0)]
    [InlineData(VideoCodec.X264, "medium", 60, 8, 0)]
    [InlineData(VideoCodec.X264, "veryslow", 60, 16, 3)]
    public void Reported_encoder_delay_covers_the_measured_delay(VideoCodec codec, string preset, int lookahead, int bframes, int threads)
    {
        var settings = EncoderSettings.Of(codec, preset, (EncoderOptions.Crf, 30), (EncoderOptions.RcLookahead, lookahead),
            (EncoderOptions.Bframes, bframes));
        var (measured, reported, encoderThreads) = MeasureDelay(settings, threads);
        Assert.True(measured <= reported, $"{codec} {preset}: the encoder held {measured} frames, delay reported {reported}");
        Assert.True(reported <= measured + encoderThreads + 3, $"{codec} {preset}: delay reported {reported}, measured {measured}");
    }

    /// <summary>
    /// The AV1 encoders have no call for their delay: the glue reports a bound from their lookahead
    /// and mini-GOP. SVT-AV1 encodes on its own threads, so what it holds depends on timing; the
    /// bound must hold whatever it is, and not be more than about twice what is needed.
    /// </summary>
    [Theory]
    [InlineData(VideoCodec.SvtAv1, "10", null, null)]
    [InlineData(VideoCodec.SvtAv1, "8", 60, null)]
    [InlineData(VideoCodec.SvtAv1, "12", null, "3")]
    [InlineData(VideoCodec.Rav1e, "10", 20, null)]
    [InlineData(VideoCodec.Rav1e, "8", null, null)]
    public void Reported_av1_encoder_delay_covers_the_measured_delay(VideoCodec codec, string preset, int? lookahead, string? levels)
    {
        var settings = EncoderSettings.Of(codec, preset, [(EncoderOptions.Crf, 30),
            .. lookahead is { } l ? [(EncoderOptions.RcLookahead, (double)l)] : Array.Empty<(EncoderOption, double)>()])
            with { Params = levels is null ? [] : [new("hierarchical-levels", levels)] };
        var (measured, reported, _) = MeasureDelay(settings, 0);
        Assert.True(measured <= reported, $"{codec} {preset}: the encoder held {measured} frames, delay reported {reported}");
        Assert.True(reported <= 2 * measured + 24, $"{codec} {preset}: delay reported {reported}, measured {measured}");
    }

    /// <summary>Feeds 200 frames of moving noise one by one: the most frames ever in the encoder between calls without their recon out.</summary>
    private static (int Measured, int Reported, int Threads) MeasureDelay(EncoderSettings settings, int threads)
    {
        var format = new VideoFormat(176, 144, 8);
        using var encoder = new VideoEncoder(settings, format, 25, 1, threads);
        var pool = new FramePool(format);
        var input = pool.Rent();
        var recon = pool.Rent();
        var rng = new Random(7);
        int inside = 0, measured = 0;
        for (int i = 0; i < 200; i++)
        {
            // Moving noise keeps the lookahead from deciding early on static content.
            rng.NextBytes(input.Plane(0));
            input.DisplayIndex = i;
            inside++;
            if (encoder.Encode(input, recon, out _)) inside--;
            // What the encoder holds between calls: what the lookahead queue must have room for.
            measured = Math.Max(measured, inside);
        }
        while (encoder.Encode(null, recon, out _)) inside--;
        Assert.Equal(0, inside);
        return (measured, encoder.Info.MaxDelayedFrames, encoder.Info.Threads);
    }

    /// <summary>
    /// The pools allocate frames only when none is free: a rung that held more frames than its
    /// bound (a leak, or a queue sized wrong) would allocate past it. With the deepest reordering
    /// (16 B-frames) every recon still finds its slot in the reorder window.
    /// </summary>
    [Theory]
    [InlineData(VideoCodec.X265, 60, 16, "medium")]
    [InlineData(VideoCodec.X264, 60, 16, "medium")]
    public void Frame_pools_stay_within_the_rung_bound(VideoCodec codec, int lookahead, int bframes, string preset)
    {
        var dir = Repo.Scratch("bound");
        var run = Encode(Repo.Media("BA1_FT_C.264"), [Rung("r", codec, 144, lookahead: lookahead, bframes: bframes, preset: preset)],
            dir, maxFrames: 150, metrics: ["psnr"], scoreAt: ScoreAt.Both);
        var q = run.Outcome.Renditions[0].Facts.Queues!.Value;
        Assert.True(q.EncoderMaxDelay >= lookahead, $"reported delay {q.EncoderMaxDelay} ignores rc-lookahead {lookahead}");
        Assert.InRange(q.RungFramesAllocated, 1, q.MaxRungFrames);
        Assert.Equal(150, run.Outcome.Renditions[0].Scores[0].Sheet.FrameCount);
    }

    /// <summary>
    /// A score sheet's memory does not grow with the run: a million frames of twelve features
    /// (96 MB of values) pass through it, written as metrics write them (one feature a frame late,
    /// as VMAF's motion is), while the managed heap and this thread's allocations stay within a
    /// few chunks. Every value reads back exactly, and the pooled statistics equal those of the
    /// same values held in an array by the test.
    /// </summary>
    [Fact]
    public void Score_sheet_memory_does_not_grow_with_the_run()
    {
        const int Frames = 1_000_000, Features = 12;
        static double Value(int c, long f) => (f * 2654435761L + c * 40503L) % 100_003 / 1000.0;
        var sheet = new ScoreSheet();
        for (int c = 0; c < Features; c++) sheet.Column($"f{c}");
        void Write(long from, long to)
        {
            for (long f = from; f < to; f++)
            {
                for (int c = 1; c < Features; c++) sheet.Set(c, f, Value(c, f));
                if (f > 0) sheet.Set(0, f - 1, Value(0, f - 1));
            }
        }
        Write(0, 10_000);
        long heap = GC.GetTotalMemory(forceFullCollection: true);
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        Write(10_000, Frames);
        sheet.Set(0, Frames - 1, Value(0, Frames - 1));
        long grown = GC.GetTotalMemory(forceFullCollection: true) - heap;
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.True(grown < 2 << 20, $"the heap grew {grown >> 10} KiB over a million frames");
        Assert.True(allocated < 2 << 20, $"{allocated >> 10} KiB allocated over a million frames");
        Assert.True(sheet.SpilledChunks > 900);

        Assert.Equal(Frames, sheet.FrameCount);
        Assert.True(sheet.HasRow(0, Features) && sheet.HasRow(Frames - 1, Features));
        var rng = new Random(3);
        for (int i = 0; i < 10_000; i++)
        {
            int c = rng.Next(Features), f = rng.Next(Frames);
            Assert.Equal(Value(c, f), sheet.Get(c, f));
        }
        foreach (int c in new[] { 0, 7 })
        {
            var held = new double[Frames];
            for (int f = 0; f < Frames; f++) held[f] = Value(c, f);
            Assert.Equal(PooledScore.Of(held), PooledScore.Of(sheet.ScoredValues($"f{c}")));
        }
        // A value for a frame already written out is refused, not lost.
        Assert.Throws<InvalidOperationException>(() => sheet.Set(3, 5, 1.0));
        sheet.Dispose();
    }

    /// <summary>
    /// Recon is paired with its reference by the pts it brings back, so an encoder holding more
    /// frames than the queues were sized for (the estimate forced to 1 frame, against a real
    /// delay of dozens) is followed, not failed: the queues grow, the marks say by how much, and
    /// every frame's PSNR and SSIM equal those of the same encode with the queues sized right.
    /// </summary>
    [Theory]
    [InlineData(VideoCodec.X264)]
    [InlineData(VideoCodec.X265)]
    public void An_encoder_holding_more_frames_than_estimated_is_followed_not_failed(VideoCodec codec)
    {
        var ladder = new[] { Rung("r", codec, 96, lookahead: 20, bframes: 8, preset: "medium") };
        var sized = Encode(Repo.Media("BA1_FT_C.264"), ladder, Repo.Scratch("sized"), ScoreAt.Both, maxFrames: 60, metrics: ["psnr", "ssim"]);
        var small = Encode(Repo.Media("BA1_FT_C.264"), ladder, Repo.Scratch("small"), ScoreAt.Both, maxFrames: 60,
            delayEstimate: 1, metrics: ["psnr", "ssim"]);
        var q = small.Outcome.Renditions[0].Facts.Queues!.Value;
        Assert.Equal(2, q.LookaheadCapacity);
        Assert.True(q.LookaheadBeyond >= 10, $"the encoder held only {q.LookaheadBeyond} frames beyond the forced estimate");
        Assert.True(q.ReorderCapacity > 2, "the reorder ring never grew");
        Assert.InRange(q.RungFramesAllocated, 1, q.MaxRungFrames);
        Assert.Equal(0, sized.Outcome.Renditions[0].Facts.Queues!.Value.LookaheadBeyond);
        var expected = sized.Outcome.Renditions[0].Scores;
        var actual = small.Outcome.Renditions[0].Scores;
        Assert.Equal(expected.Count, actual.Count);
        for (int s = 0; s < expected.Count; s++)
            foreach (var feature in expected[s].Sheet.FeatureNames)
                Assert.Equal(expected[s].Sheet.Values(feature), actual[s].Sheet.Values(feature));
        Assert.Equal(60, actual[0].Sheet.FrameCount);
    }

    /// <summary>
    /// Every frame of a rung is scored on the rung's own scorer thread: the loop never moves to
    /// the thread pool after its first wait, where blocking work would starve other tasks.
    /// </summary>
    /// <summary>
    /// A run's memory line reports its own peak: after <see cref="EncodeQuality.Pipeline.MemoryPeak.Reset"/>
    /// the kernel's VmHWM no longer holds a larger block the process touched and released before,
    /// as a worker's earlier job. The kernel's own accounting is the reference: 256 MiB of native
    /// memory, touched then freed (glibc gives such a block back to the kernel at once).
    /// </summary>
    [Fact]
    public unsafe void A_runs_memory_peak_starts_at_the_run_not_at_the_process()
    {
        const long Block = 256L << 20;
        Assert.True(EncodeQuality.Pipeline.MemoryPeak.Reset(), "the kernel refused /proc/self/clear_refs");
        long before = EncodeQuality.Pipeline.MemoryPeak.Read();
        byte* p = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)Block);
        for (long i = 0; i < Block; i += 4096) p[i] = 1;
        long touched = EncodeQuality.Pipeline.MemoryPeak.Read();
        System.Runtime.InteropServices.NativeMemory.Free(p);
        Assert.True(touched - before >= Block - (8L << 20), $"peak {touched} after touching {Block} bytes from {before}");
        Assert.True(EncodeQuality.Pipeline.MemoryPeak.Reset());
        long after = EncodeQuality.Pipeline.MemoryPeak.Read();
        Assert.True(after < touched - Block / 2, $"peak {after} after the reset, {touched} before it");
    }

    [Fact]
    public void Each_rung_scores_on_one_dedicated_thread()
    {
        var run = Encode(Repo.Media("BA1_FT_C.264"), [Rung("a", VideoCodec.X264, 144, bframes: 3), Rung("b", VideoCodec.X265, 96)],
            Repo.Scratch("threads"), maxFrames: 40);
        Assert.Equal(2, run.Captures.Count);
        foreach (var capture in run.Captures)
        {
            var thread = Assert.Single(capture.Threads.Distinct());
            Assert.False(thread.Pool);
            Assert.StartsWith("eq score ", thread.Name);
        }
        Assert.NotEqual(run.Captures[0].Threads[0], run.Captures[1].Threads[0]);
    }

    /// <summary>
    /// The estimate a run is admitted on, against the peak resident memory the same run measures
    /// of itself (VmHWM): it must cover it, without refusing runs that fit by a wide margin.
    /// </summary>
    [Theory]
    [InlineData("""{"name": "a", "codec": "x265", "height": 720, "crf": 28, "rcLookahead": 60, "bframes": 8}""", "none", "encode")]
    [InlineData("""{"name": "a", "codec": "x264", "height": 360, "crf": 28}, {"name": "b", "codec": "x265", "height": 540, "crf": 28}""", "vmaf,psnr,ssim", "both")]
    // AV1, on settings left out of the constants' fit.
    [InlineData("""{"name": "a", "codec": "svtav1", "height": 720, "crf": 35, "preset": "10", "rcLookahead": 20}""", "none", "encode")]
    [InlineData("""{"name": "a", "codec": "rav1e", "height": 360, "crf": 100, "preset": "10", "rcLookahead": 20}, {"name": "b", "codec": "svtav1", "height": 540, "crf": 35, "preset": "12"}""", "vmaf,psnr", "both")]
    public void Memory_estimate_covers_the_measured_peak(string rungs, string metrics, string scoreAt)
    {
        string dir = Repo.Scratch("estimate");
        string ladder = Path.Combine(dir, $"ladder-{Guid.NewGuid():N}.json");
        File.WriteAllText(ladder, $$"""{"renditions": [{{rungs}}]}""");
        var o = EqProcess.Run("encode", Repo.Media("VID_1280x720_cabac_temporal_direct.264"), "--ladder", ladder, "--out",
            Path.Combine(dir, Guid.NewGuid().ToString("N")), "--frames", "120", "--metrics", metrics, "--score-at", scoreAt, "--vmaf-engine", "managed");
        Assert.True(o.ExitCode == 0, o.StdErr);
        var m = Regex.Match(o.StdErr, @"Memory: peak ([\d.]+) (MiB|GiB) of the ([\d.]+) (MiB|GiB) estimated");
        Assert.True(m.Success, o.StdErr);
        double MiB(int g) => double.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture) * (m.Groups[g + 1].Value == "GiB" ? 1024 : 1);
        double peak = MiB(1), estimate = MiB(3);
        Assert.True(estimate >= peak, $"estimate {estimate} MiB is below the measured peak {peak} MiB");
        Assert.True(estimate <= 1.5 * peak, $"estimate {estimate} MiB is far above the measured peak {peak} MiB");
    }
}
