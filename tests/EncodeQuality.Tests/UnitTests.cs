using EncodeQuality.Native;
using EncodeQuality.Native.Frames;
using EncodeQuality.Pipeline.Ladder;
using EncodeQuality.Metrics;
using EncodeQuality.Pipeline.Stages;
using EncodeQuality.Tests.Support;
using EncodeQuality.Model;
using EncodeQuality.Vmaf.Features.Psnr;
using EncodeQuality.Vmaf.Features.Ssim;

namespace EncodeQuality.Tests;

/// <summary>Stages and metrics on small cases that can be checked by hand.</summary>
public class UnitTests
{
    private static VideoFrame Frame(FramePool pool, long index)
    {
        var f = pool.Rent();
        f.DisplayIndex = index;
        return f;
    }

    [Fact]
    public void Reorder_queue_emits_coded_order_recon_in_display_order()
    {
        var pool = new FramePool(new VideoFormat(16, 16, 8));
        var q = new ReorderQueue(8);
        for (int i = 0; i < 5; i++) q.AddReference(new PendingReference(i, Frame(pool, i), null));
        var emitted = new List<long>();
        // Coded order of an I P B B pattern with a pyramid: 0 3 1 2 4
        foreach (var i in new long[] { 0, 3, 1, 2, 4 })
        {
            q.AddRecon(Frame(pool, i));
            while (q.TryTakeNext(out var r, out var recon))
            {
                Assert.Equal(r.DisplayIndex, recon.DisplayIndex);
                emitted.Add(recon.DisplayIndex);
                r.Release();
                recon.Release();
            }
        }
        Assert.Equal([0, 1, 2, 3, 4], emitted);
        Assert.True(q.IsEmpty);
        Assert.Equal(5, q.HighWater);
    }

    [Fact]
    public void Reorder_queue_grows_past_its_window_and_refuses_gaps_and_duplicates()
    {
        var pool = new FramePool(new VideoFormat(16, 16, 8));
        var q = new ReorderQueue(2);
        q.AddReference(new PendingReference(0, Frame(pool, 0), null));
        q.AddReference(new PendingReference(1, Frame(pool, 1), null));
        Assert.False(q.Grown);
        // An encoder holding more than its estimate: the window widens, the pairs already in keep their places.
        q.AddReference(new PendingReference(2, Frame(pool, 2), null));
        Assert.True(q.Grown);
        Assert.True(q.Capacity >= 3);
        Assert.Throws<InvalidOperationException>(() => q.AddReference(new PendingReference(5, Frame(pool, 5), null)));
        foreach (var i in new long[] { 2, 0, 1 }) q.AddRecon(Frame(pool, i));
        Assert.Throws<InvalidOperationException>(() => q.AddRecon(Frame(pool, 1)));
        Assert.Throws<InvalidOperationException>(() => q.AddRecon(Frame(pool, 7)));
        var emitted = new List<long>();
        while (q.TryTakeNext(out var r, out var recon))
        {
            Assert.Equal(r.DisplayIndex, recon.DisplayIndex);
            emitted.Add(recon.DisplayIndex);
        }
        Assert.Equal([0, 1, 2], emitted);
    }

    /// <summary>
    /// A frame's padding covers what x264 reads past its input: 10-bit 4:2:0 at a chroma width of
    /// 8 mod 16 samples (176 wide), x264's chroma interleave loads 16 bytes past the V plane's last
    /// row. tests/Native/x264_input_overread.c feeds x264 planes that end right before an
    /// unreadable page: with no padding it dies of SIGSEGV (x264 does over-read: the padding is
    /// needed), with <see cref="VideoFrame.Padding"/> bytes it encodes.
    /// </summary>
    [Fact]
    public void A_frames_padding_covers_what_x264_reads_past_its_input()
    {
        string dir = Repo.Scratch("overread"), program = Path.Combine(dir, "x264_input_overread");
        var cc = Run("gcc", "-O1", Path.Combine(Repo.Root, "tests", "Native", "x264_input_overread.c"), "-o", program, "-lx264");
        Assert.True(cc.Code == 0, cc.Err);
        Assert.Equal(128 + 11, Run(program, "176", "144", "0").Code);
        var padded = Run(program, "176", "144", VideoFrame.Padding.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(padded.Code == 0, $"exit {padded.Code} with {VideoFrame.Padding} bytes of padding");
    }

    private static (int Code, string Err) Run(string file, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, err.Result);
    }

    [Fact]
    public void Frames_return_to_their_pool_when_the_last_reference_is_released()
    {
        var pool = new FramePool(new VideoFormat(32, 16, 10));
        var a = pool.Rent();
        a.AddRef();
        a.Release();
        a.Release();
        var b = pool.Rent();
        Assert.Same(a, b);
        Assert.Equal(1, pool.Allocated);
        Assert.Equal(32 * 16 * 2 + 2 * 16 * 8 * 2, b.Bytes.Length);
        b.Release();
        Assert.Throws<InvalidOperationException>(() => b.Release());
    }

    [Fact]
    public void Pooling_matches_hand_computed_values()
    {
        var p = PooledScore.Of([4.0, 1.0, 3.0, 2.0]);
        Assert.Equal(1, p.Min);
        Assert.Equal(4, p.Max);
        Assert.Equal(2.5, p.Mean);
        Assert.Equal(2.5, p.P50, 12);       // between 2 and 3
        Assert.Equal(1.03, p.P1, 12);       // 1 + 0.03 * (2 - 1)
        Assert.Equal(3.85, p.P95, 12);      // rank 2.85: 3 + 0.85
        Assert.Equal(4 / (1 / 5.0 + 1 / 2.0 + 1 / 4.0 + 1 / 3.0) - 1, p.HarmonicMean, 12);
    }

    [Theory]
    [InlineData(1, 31)]
    [InlineData(1000, 4099)]
    [InlineData(1 << 20, 333)]
    public void Simd_squared_error_equals_scalar(int length, int seed)
    {
        var rng = new Random(seed);
        var a = new byte[length];
        var b = new byte[length];
        rng.NextBytes(a);
        rng.NextBytes(b);
        // 8-bit samples reach PSNR widened to ushort (FramePair): the sum is the bytes' own.
        Assert.Equal(SquaredError.SumScalar<byte>(a, b), SquaredError.Sum(a.Select(x => (ushort)x).ToArray(), b.Select(x => (ushort)x).ToArray()));
        var a16 = a.Select(x => (ushort)(x * 4 + rng.Next(4))).ToArray();
        var b16 = b.Select(x => (ushort)(x * 4 + rng.Next(4))).ToArray();
        Assert.Equal(SquaredError.SumScalar<ushort>(a16, b16), SquaredError.Sum(a16, b16));
    }

    [Fact]
    public void Psnr_of_a_known_error()
    {
        // Every sample off by 1: MSE 1, PSNR = 20 log10(255) = 48.1308 dB.
        Assert.Equal(48.130803608679, PsnrExtractor.FromSse(100, 100, 8), 9);
        // 10-bit peak 1023; identical planes are capped at 6 * 10 + 12 = 72 dB as in libvmaf.
        Assert.Equal(20 * Math.Log10(1023), PsnrExtractor.FromSse(7, 7, 10), 9);
        Assert.Equal(72, PsnrExtractor.FromSse(0, 7, 10));
    }

    [Fact]
    public void Ssim_is_one_for_identical_pictures_and_follows_the_formula_for_a_flat_shift()
    {
        int w = 64, h = 48;
        var rng = new Random(3);
        var a = Enumerable.Range(0, w * h).Select(_ => (float)rng.Next(256)).ToArray();
        Assert.Equal(1.0, SsimExtractor.Compute(a, a, w, h), 6);
        // Flat pictures of levels 100 and 110: only the luminance term is left,
        // (2 * 100 * 110 + C1) / (100^2 + 110^2 + C1) with C1 = (0.01 * 255)^2.
        var flatA = Enumerable.Repeat(100f, w * h).ToArray();
        var flatB = Enumerable.Repeat(110f, w * h).ToArray();
        double c1 = 2.55 * 2.55;
        Assert.Equal((2 * 100 * 110 + c1) / (100 * 100 + 110 * 110 + c1), SsimExtractor.Compute(flatA, flatB, w, h), 5);
    }

    [Fact]
    public void Rung_width_follows_the_source_aspect_ratio_rounded_to_even()
    {
        var r = new Rendition { Name = "r", Height = 240, Encoder = EncoderSettings.Of(VideoCodec.X264, null, (EncoderOptions.Crf, 23)) };
        Assert.Equal((426, 240), r.SizeFor(new VideoFormat(1280, 720, 8)));
        Assert.Equal((294, 240), r.SizeFor(new VideoFormat(352, 288, 8)));
        Assert.Equal((100, 240), (r with { Width = 100 }).SizeFor(new VideoFormat(1280, 720, 8)));
    }

    [Fact]
    public void Default_ladder_drops_rungs_taller_than_the_source()
    {
        Assert.Equal(["720p", "540p", "360p", "240p", "720p-hevc"], DefaultLadder.For(720).Select(r => r.Name));
        Assert.Equal(["240p"], DefaultLadder.For(288).Select(r => r.Name));
        Assert.Single(DefaultLadder.For(144));
    }

    [Fact]
    public void Ladder_parser_reads_every_key()
    {
        var l = LadderParser.Parse("""
            {"renditions": [{"name": "x", "codec": "x265", "width": 640, "height": 360, "bitrate": 800, "maxrate": 1200,
              "bufsize": 2400, "preset": "slow", "tune": "grain", "keyint": 48, "bframes": 5, "rcLookahead": 30,
              "params": {"aq-mode": 3, "sao": false, "psy-rd": "1.5"}}]}
            """, "test");
        var r = Assert.Single(l);
        var e = r.Encoder;
        Assert.Equal((640, 360, 800.0, 1200.0, 2400.0, "slow", "grain", 48.0, 5.0, 30.0),
            (r.Width, r.Height, e[EncoderOptions.Bitrate], e[EncoderOptions.Maxrate], e[EncoderOptions.Bufsize], e.Preset, e.Tune,
             e[EncoderOptions.Keyint], e[EncoderOptions.Bframes], e[EncoderOptions.RcLookahead]));
        Assert.Equal([new("aq-mode", "3"), new("sao", "0"), new KeyValuePair<string, string>("psy-rd", "1.5")], e.Params);
        Assert.Throws<InputException>(() => LadderParser.Parse("""{"renditions": [{"name": "a/b", "codec": "x264", "height": 360, "crf": 20}]}""", "t"));
    }
}

public class SsimSimdTests
{
    [Theory]
    [InlineData(64, 48)]
    [InlineData(301, 203)]
    [InlineData(640, 360)]
    [InlineData(1279, 719)]
    public void Vector_ssim_equals_scalar_ssim_exactly(int w, int h)
    {
        var rng = new Random(w * h);
        var a = Enumerable.Range(0, w * h).Select(_ => (float)rng.Next(256)).ToArray();
        var b = a.Select(v => Math.Clamp(v + rng.Next(-20, 21), 0, 255)).Select(v => (float)v).ToArray();
        Assert.Equal(SsimExtractor.Compute(a, b, w, h, simd: false), SsimExtractor.Compute(a, b, w, h, simd: true));
    }
}
