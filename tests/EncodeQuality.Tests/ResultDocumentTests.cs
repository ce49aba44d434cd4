using System.Text.Json.Nodes;
using EncodeQuality.Model;
using EncodeQuality.Native;
using EncodeQuality.Results.Files;
using EncodeQuality.Tests.Support;

namespace EncodeQuality.Tests;

/// <summary>
/// The files a run writes are typed documents, written and read by one serializer: a committed
/// folder read back holds the run that was made, compared with the outcome still in memory.
/// </summary>
public class ResultDocumentTests
{
    [Fact]
    public void A_committed_run_reads_back_as_it_was_made()
    {
        var dir = Repo.Scratch("documents");
        var made = Harness.Encode(Repo.Media("BA1_FT_C.264"),
            [Harness.Rung("x264", VideoCodec.X264, 144, bframes: 3), Harness.Rung("x265", VideoCodec.X265, 144, crf: 34)],
            dir, ScoreAt.Both, maxFrames: 24, metrics: ["psnr", "ssim"]).Outcome;
        using var read = SummaryReader.Read(dir);

        var (a, b) = (made.Run, read.Run);
        Assert.Equal(a with { Tools = "", Settings = "", Ladder = null }, b with { Tools = "", Settings = "", Ladder = null, FrameCountHint = a.FrameCountHint });
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(a.Tools), JsonNode.Parse(b.Tools)), "tools");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(a.Settings), JsonNode.Parse(b.Settings)), "settings");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(a.Ladder!), JsonNode.Parse(b.Ladder!)), "ladder");
        Assert.Equal(made.Frames, read.Frames);
        Assert.Equal(made.FinishedAt, read.FinishedAt);
        Assert.Equal(made.Checks, read.Checks);

        Assert.Equal(made.Renditions.Select(r => r.Facts.Name), read.Renditions.Select(r => r.Facts.Name));
        foreach (var (m, r) in made.Renditions.Zip(read.Renditions))
        {
            var (mf, rf) = (m.Facts, r.Facts);
            Assert.NotNull(mf.Encoder);
            Assert.NotNull(mf.Queues);
            Assert.Equal(mf.Encoder, rf.Encoder);
            Assert.Equal(mf.Queues, rf.Queues);
            Assert.Equal((mf.Codec, mf.Width, mf.Height, mf.BitDepth, mf.RateControl, mf.Frames, mf.SizeBytes, mf.File),
                (rf.Codec, rf.Width, rf.Height, rf.BitDepth, rf.RateControl, rf.Frames, rf.SizeBytes, rf.File));
            Assert.Equal(mf.BitrateKbps, rf.BitrateKbps, 0.0005);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(mf.Settings!), JsonNode.Parse(rf.Settings!)), "rung settings");

            Assert.Equal(m.Scores.Select(s => s.Mode), r.Scores.Select(s => s.Mode));
            foreach (var (ms, rs) in m.Scores.Zip(r.Scores))
            {
                Assert.Equal(ms.Metrics, rs.Metrics);
                Assert.Equal(ms.Frames, rs.Frames);
                // The files carry six decimals, as libvmaf's logs do.
                for (int c = 0; c < ms.Metrics.Count; c++)
                    foreach (int f in ms.Frames)
                        Assert.Equal(ms.Sheet.Get(c, f), rs.Sheet.Get(c, f), 0.5e-6);
                foreach (var (name, p) in ms.Pooled)
                {
                    var q = rs.Pooled[name];
                    Assert.Equal(p.Mean, q.Mean, 1e-6);
                    Assert.Equal(p.P5, q.P5, 1e-6);
                    Assert.Equal(p.Min, q.Min, 1e-6);
                }
            }
        }
    }

    [Fact]
    public void A_summary_that_is_not_one_is_refused_in_one_line()
    {
        var dir = Repo.Scratch("not-a-summary");
        File.WriteAllText(Path.Combine(dir, "summary.json"), """{"source": "a.mp4", "frames": "many", "wall_seconds": 1, "renditions": []}""");
        var e = Assert.Throws<InputException>(() => SummaryReader.Read(dir));
        Assert.Contains("not a summary eq can read", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
