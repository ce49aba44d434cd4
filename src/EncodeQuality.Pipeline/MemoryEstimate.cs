using EncodeQuality.Metrics;
using EncodeQuality.Native;
using EncodeQuality.Native.Frames;
using EncodeQuality.Model;

namespace EncodeQuality.Pipeline;

/// <summary>
/// A run's peak memory, estimated before any encoder opens from what the libraries resolve for
/// each rung (<see cref="VideoEncoder.Plan"/>: lookahead and B-frames), the frame sizes and the
/// pipeline's queue bounds; and the memory the machine can give. A run that cannot fit is refused.
/// The constants were fitted to peak RSS (VmHWM) of eq encode on Debian 12's x264 0.164 and
/// x265 3.5, one rung at a time at 360p and 720p with rc-lookahead 0 to 60 and bframes 0 to 8
/// (the README gives the figures); they are in frames of the rung's size, so they scale with it.
/// </summary>
public static class MemoryEstimate
{
    /// <summary>The .NET runtime, the decoder and the source frame pool.</summary>
    private const long BaseBytes = 160L << 20;

    /// <summary>x264: frames of the rung's size held whatever the lookahead (references, threads' frames), and per lookahead or B-frame.</summary>
    private const double X264Fixed = 41, X264PerDelayed = 4.3;

    /// <summary>x265 pads every picture by a CTU plus 32 samples on each side; its frames are counted padded.</summary>
    private const int X265Margin = 96;
    private const double X265Fixed = 34, X265PerDelayed = 3.2;
    private const long X265FixedBytes = 8L << 20;

    /// <summary>
    /// SVT-AV1 1.4.1 and rav1e 0.5.1 (delayed: their lookahead and mini-GOP as the glue reports
    /// them), fitted to peak RSS of eq encode with no metrics, one rung at 360p and 720p: SVT-AV1
    /// presets 4 and 10 with 3 and 5 hierarchical levels and lookahead up to 120, on 2 logical
    /// processors (SVT-AV1 sizes its picture pools by them: more cores, more memory); rav1e speeds
    /// 6 and 10 with RDO lookahead 10 to 40.
    /// </summary>
    private const double SvtAv1Fixed = 170, SvtAv1PerDelayed = 6;
    private const long SvtAv1FixedBytes = 16L << 20;
    private const double Rav1eFixed = 210, Rav1ePerDelayed = 9.6;
    private const long Rav1eFixedBytes = 8L << 20;

    /// <summary>Frames of the compared size that VMAF, SSIM and PSNR work in for one comparison.</summary>
    private const double ScoringFrames = 10;

    /// <summary>
    /// A score sheet's columns: more than any set of metrics writes (VMAF with every feature a
    /// model and its options name, PSNR, SSIM, MS-SSIM, CAMBI). The sheet's memory does not grow
    /// with the run (<see cref="ScoreSheet"/>), so this is its whole term.
    /// </summary>
    private const int SheetColumns = 48;

    /// <summary>One rung's estimate: the encoder with its lookahead, our queues, and scoring.</summary>
    /// <param name="metricBytes">What the metrics hold beyond the common frames, per score-at mode (<see cref="MetricCatalog.WorkingSet"/>).</param>
    public static long Rung(EncoderInfo plan, VideoCodec codec, VideoFormat rung, VideoFormat source, ScoreAt scoreAt,
        Func<VideoFormat, long>? metricBytes = null)
    {
        double fb = rung.FrameBytes;
        int delayed = plan.RcLookahead + plan.Bframes;
        double bytes = codec switch
        {
            VideoCodec.X264 => fb * (X264Fixed + X264PerDelayed * delayed),
            VideoCodec.X265 => X265FixedBytes + Padded(rung) * (X265Fixed + X265PerDelayed * delayed),
            VideoCodec.SvtAv1 => SvtAv1FixedBytes + fb * (SvtAv1Fixed + SvtAv1PerDelayed * delayed),
            VideoCodec.Rav1e => Rav1eFixedBytes + fb * (Rav1eFixed + Rav1ePerDelayed * delayed),
            _ => throw new ArgumentOutOfRangeException(nameof(codec)),
        };
        // Recon frames waiting in the reorder window for display order: a mini-GOP and two in flight.
        int reorder = plan.Bframes + 2;
        if (scoreAt.HasFlag(ScoreAt.Encode))
            bytes += fb * (ScoringFrames + reorder) + (metricBytes?.Invoke(rung) ?? 0) + ScoreSheet.MaxResidentBytes(SheetColumns);
        if (scoreAt.HasFlag(ScoreAt.Source))
        {
            bytes += ScoreSheet.MaxResidentBytes(SheetColumns);
            bytes += metricBytes?.Invoke(source) ?? 0;
            // The source frame of every reference waiting in the lookahead, when the rung is resized.
            if (rung != source) bytes += (double)source.FrameBytes * (plan.MaxDelayedFrames + 1);
            bytes += (double)source.FrameBytes * (ScoringFrames + reorder);
        }
        return (long)bytes;
    }

    private static double Padded(VideoFormat f) =>
        (f.Width + 2.0 * X265Margin) * ((f.Height + 63) / 64 * 64 + 2.0 * X265Margin) * 1.5 * f.BytesPerSample;

    /// <summary>
    /// What a fresh eq process holds when the estimate is made (the runtime, the commands, the
    /// opened source; measured 82-83 MiB for eq encode), which <see cref="BaseBytes"/> includes.
    /// </summary>
    private const long FreshResident = 96L << 20;

    /// <summary>
    /// The whole run: the base, the source's decoder frames, every rung. <paramref name="resident"/>
    /// is what the process holds now: a long-lived worker (its listener, its clients, the heap of
    /// earlier jobs) holds more than a fresh process, and the run's peak includes it.
    /// </summary>
    public static long Run(VideoFormat source, IEnumerable<long> rungs, long resident = 0) =>
        BaseBytes + Math.Max(0, resident - FreshResident) + 8L * source.FrameBytes + rungs.Sum();

    /// <summary>
    /// What this process may still use: the kernel's MemAvailable, or less under a cgroup limit
    /// (memory.max minus memory.current, cgroup v2). Null when neither can be read.
    /// </summary>
    public static long? Available()
    {
        long? available = null;
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                    available = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException) { }
        try
        {
            string max = File.ReadAllText("/sys/fs/cgroup/memory.max").Trim();
            if (max != "max" && long.TryParse(max, out long limit)
                && long.TryParse(File.ReadAllText("/sys/fs/cgroup/memory.current").Trim(), out long used))
                available = Math.Min(available ?? long.MaxValue, limit - used);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return available;
    }

    public static string Text(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.0} GiB" : $"{bytes >> 20} MiB";
}
