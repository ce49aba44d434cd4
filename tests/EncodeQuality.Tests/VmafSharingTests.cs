using EncodeQuality.Tests.Support;
using EncodeQuality.Vmaf;
using EncodeQuality.Vmaf.Features;
using EncodeQuality.Vmaf.Features.Integer;
using EncodeQuality.Vmaf.Model;

namespace EncodeQuality.Tests;

/// <summary>
/// Several distorted streams scored against one reference share its reference-only work
/// (<see cref="ReferenceShare"/>): every stream's values must be exactly those of scoring its pair
/// alone, however the streams are interleaved, on any thread count, including a stream that falls
/// behind the shared ring and works alone.
/// </summary>
public class VmafSharingTests
{
    private sealed class Collect : IVmafSink
    {
        public readonly List<double[]> Frames = [];
        public void OnFrame(long index, double vmaf, ReadOnlySpan<double> features) => Frames.Add([vmaf, .. features]);
    }

    private sealed class Nothing : IVmafSink
    {
        public void OnFrame(long index, double vmaf, ReadOnlySpan<double> features) { }
    }

    private const int Width = 200, Height = 120; // 6 blocks of 32 columns and a tail of 8, for the vector kernels and their scalar tails

    /// <summary>A moving texture (motion is not zero), in samples of the given depth.</summary>
    private static ushort[] Reference(int frame, int bitDepth)
    {
        var p = new ushort[Width * Height];
        int max = (1 << bitDepth) - 1;
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
            {
                double v = 0.5 + 0.23 * Math.Sin((x + 3 * frame) * 0.21) * Math.Cos((y - frame) * 0.13) + 0.1 * Math.Sin(x * y * 0.002 + frame);
                p[y * Width + x] = (ushort)Math.Clamp(v * max, 0, max);
            }
        return p;
    }

    /// <summary>Stream s's distortion of a reference frame: noise and a blur of its own strength.</summary>
    private static ushort[] Distorted(ushort[] reference, int stream, int frame, int bitDepth)
    {
        var rng = new Random(1000 * stream + frame);
        var p = new ushort[reference.Length];
        int max = (1 << bitDepth) - 1, noise = (2 + 3 * stream) << (bitDepth - 8);
        for (int i = 0; i < p.Length; i++)
        {
            int left = i % Width == 0 ? i : i - 1;
            int v = (reference[i] * (4 - stream % 3) + reference[left] * (stream % 3)) / 4 + rng.Next(-noise, noise + 1);
            p[i] = (ushort)Math.Clamp(v, 0, max);
        }
        return p;
    }

    private static SamplePlane Plane(ushort[] p, int bitDepth) =>
        bitDepth == 8 ? new SamplePlane(p.Select(v => (byte)v).ToArray(), Width, Height, Width) : new SamplePlane(p, Width, Height, Width, bitDepth);

    [Theory]
    [InlineData(8, 1)]
    [InlineData(8, 2)]
    [InlineData(10, 1)]
    public void Streams_sharing_a_reference_score_each_frame_as_their_pair_alone(int bitDepth, int threads)
    {
        const int Streams = 4, Frames = 24, Lag = 12; // the last stream starts Lag frames late: past the ring, it works alone
        var model = VmafModel.Load(Repo.Shared("vmaf-models/vmaf_v0.6.1.json"));
        var options = new VmafOptions { Threads = threads };
        var refs = Enumerable.Range(0, Frames).Select(f => Reference(f, bitDepth)).ToArray();
        var dists = Enumerable.Range(0, Streams).Select(s => refs.Select((r, f) => Distorted(r, s, f, bitDepth)).ToArray()).ToArray();

        var alone = new List<double[]>[Streams];
        for (int s = 0; s < Streams; s++)
        {
            var sink = new Collect();
            using (var scorer = new VmafScorer(model, Width, Height, options, sink))
            {
                for (int f = 0; f < Frames; f++) scorer.Push(Plane(refs[f], bitDepth), Plane(dists[s][f], bitDepth));
                scorer.Flush();
            }
            alone[s] = sink.Frames;
        }

        var share = new ReferenceShare(Streams);
        var sinks = Enumerable.Range(0, Streams).Select(_ => new Collect()).ToArray();
        var scorers = sinks.Select(sink => new VmafScorer(model, Width, Height, options, sink, share)).ToArray();
        try
        {
            // Streams take turns frame by frame, the first two in opposite orders on odd frames; the last one trails.
            for (int step = 0; step < Frames + Lag; step++)
                for (int k = 0; k < Streams; k++)
                {
                    int s = step % 2 == 1 && k < 2 ? 1 - k : k;
                    int f = s == Streams - 1 ? step - Lag : step;
                    if (f >= 0 && f < Frames) scorers[s].Push(Plane(refs[f], bitDepth), Plane(dists[s][f], bitDepth));
                }
            foreach (var scorer in scorers) scorer.Flush();
        }
        finally
        {
            foreach (var scorer in scorers) scorer.Dispose();
        }

        var names = scorers[0].FeatureNames;
        for (int s = 0; s < Streams; s++)
        {
            Assert.Equal(Frames, sinks[s].Frames.Count);
            for (int f = 0; f < Frames; f++)
                for (int c = 0; c < alone[s][f].Length; c++)
                    Assert.True(alone[s][f][c] == sinks[s].Frames[f][c],
                        $"stream {s} frame {f} {(c == 0 ? "vmaf" : names[c - 1])}: alone {alone[s][f][c]}, shared {sinks[s].Frames[f][c]}");
        }
        // The streams did share: VIF's, ADM's and motion's reference work was taken from the ring.
        var adm = share.Part<SharedFrames<AdmReference>>($"integer_adm@{Width}x{Height}", () => throw new InvalidOperationException("ADM shared nothing"));
        Assert.True(adm.Taken >= Frames, $"ADM's shared work was taken {adm.Taken} times");
        var vif = share.Part<SharedFrames<VifReference>>($"integer_vif@{Width}x{Height}", () => throw new InvalidOperationException("VIF shared nothing"));
        var motion = share.Part<SharedFrames<IntegerMotionExtractor.SharedSad>>($"integer_motion@{Width}x{Height}",
            () => throw new InvalidOperationException("motion shared nothing"));
        Assert.True(vif.Taken >= Frames, $"VIF's shared work was taken {vif.Taken} times");
        Assert.True(motion.Taken >= Frames, $"motion's shared work was taken {motion.Taken} times");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Sharing_allocates_nothing_per_frame(int threads)
    {
        var model = VmafModel.Load(Repo.Shared("vmaf-models/vmaf_v0.6.1.json"));
        var share = new ReferenceShare(2);
        using var a = new VmafScorer(model, Width, Height, new VmafOptions { Threads = threads }, new Nothing(), share);
        using var b = new VmafScorer(model, Width, Height, new VmafOptions { Threads = threads }, new Nothing(), share);
        byte[] r = [.. Reference(0, 8).Select(v => (byte)v)], d = [.. Distorted(Reference(0, 8), 1, 0, 8).Select(v => (byte)v)];
        void Push(int frames)
        {
            for (int i = 0; i < frames; i++)
            {
                a.Push(new SamplePlane(r, Width, Height, Width), new SamplePlane(d, Width, Height, Width));
                b.Push(new SamplePlane(r, Width, Height, Width), new SamplePlane(d, Width, Height, Width));
            }
        }
        Push(40); // warm up, past tier-up
        long workersBefore = a.Workers.WorkerAllocatedBytes + b.Workers.WorkerAllocatedBytes;
        long callerBefore = GC.GetAllocatedBytesForCurrentThread();
        Push(10);
        long caller = GC.GetAllocatedBytesForCurrentThread() - callerBefore;
        long workers = a.Workers.WorkerAllocatedBytes + b.Workers.WorkerAllocatedBytes - workersBefore;
        Assert.Equal((0L, 0L), (caller, workers));
    }

    /// <summary>
    /// The memory estimate of streams sharing a reference: each stream's declared working set with
    /// its part of the shared rings, summed over the streams, bounds what building them allocates
    /// (rings as deep as the estimate assumes), by no more than 5 %.
    /// </summary>
    [Theory]
    [InlineData(1280, 720, 1, 4)]
    [InlineData(1920, 1080, 2, 3)]
    public void The_declared_working_set_bounds_streams_sharing_a_reference(int width, int height, int threads, int streams)
    {
        var model = VmafModel.Load(Repo.Shared("vmaf-models/vmaf_v0.6.1.json"));
        var options = new VmafOptions { Threads = threads };
        using (new VmafScorer(model, 512, 512, options, new Nothing())) { } // the extractors' shared tables, made once per process
        var share = new ReferenceShare(streams);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var scorers = Enumerable.Range(0, streams).Select(_ => new VmafScorer(model, width, height, options, new Nothing(), share)).ToList();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        foreach (var s in scorers) s.Dispose();
        long declared = streams * VmafScorer.WorkingSet(model, width, height, options, share);
        Assert.InRange(declared, allocated, allocated * 21 / 20);
    }

    /// <summary>
    /// A ladder's rungs share the reference's work wherever they are scored against the same
    /// frames: all four at the source's size, the two 360p rungs (x264 and x265) at theirs. Every
    /// rung's every feature of every frame equals scoring it alone: at the source's size against
    /// eq vmaf of its written file (decoded, upscaled by the same scaler), and at its own size
    /// against a ladder of that rung alone.
    /// </summary>
    [Fact]
    public void A_ladders_rungs_score_as_each_rung_alone()
    {
        string dir = Repo.Scratch("shared-ladder"), source = Path.Combine(dir, "source.y4m");
        Ffmpeg.Run("-i", Repo.Media("VID_1280x720_cabac_temporal_direct.264"), "-frames:v", "12", "-pix_fmt", "yuv420p", "-y", source);
        string[] rungs =
        [
            """{"name": "a", "codec": "x264", "height": 720, "crf": 24}""",
            """{"name": "b", "codec": "x264", "height": 720, "crf": 36}""",
            """{"name": "c", "codec": "x264", "height": 360, "crf": 28}""",
            """{"name": "d", "codec": "x265", "height": 360, "crf": 32}""",
        ];
        string Encode(string name, params string[] chosen)
        {
            string ladder = Path.Combine(dir, name + ".json"), outDir = Path.Combine(dir, name);
            File.WriteAllText(ladder, $$"""{"renditions": [{{string.Join(",", chosen)}}]}""");
            var o = EqProcess.Run("encode", source, "--ladder", ladder, "--out", outDir, "--metrics", "vmaf", "--vmaf-engine", "managed",
                "--score-at", "both");
            Assert.True(o.ExitCode == 0, o.StdErr);
            return outDir;
        }
        string all = Encode("all", rungs);
        foreach (var rung in new[] { "a", "b", "c", "d" })
        {
            string alone = Path.Combine(dir, rung + ".alone.json");
            var o = EqProcess.Run("vmaf", "--ref", source, "--dist", Path.Combine(all, rung + ".mp4"), "--json", alone, "--vmaf-engine", "managed");
            Assert.True(o.ExitCode == 0, o.StdErr);
            AssertSame(VmafReferenceTests.Load(alone), VmafReferenceTests.Load(Path.Combine(all, rung + ".source-scores.json")), $"{rung} at the source's size");
        }
        foreach (var (rung, i) in new[] { ("c", 2), ("d", 3) })
        {
            string one = Encode(rung, rungs[i]);
            AssertSame(VmafReferenceTests.Load(Path.Combine(one, rung + ".scores.json")), VmafReferenceTests.Load(Path.Combine(all, rung + ".scores.json")),
                $"{rung} at its own size");
        }
    }

    private static void AssertSame(List<Dictionary<string, double>> alone, List<Dictionary<string, double>> shared, string what)
    {
        Assert.Equal(12, alone.Count);
        Assert.Equal(alone.Count, shared.Count);
        for (int f = 0; f < alone.Count; f++)
        {
            Assert.True(alone[f].Count >= 15, $"{what}: frame {f} has {alone[f].Count} features");
            foreach (var (name, value) in alone[f])
                Assert.True(shared[f].TryGetValue(name, out var v) && v == value, $"{what}, frame {f} {name}: alone {value}, in the ladder {v}");
        }
    }
}
