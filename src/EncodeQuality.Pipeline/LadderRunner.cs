using System.Diagnostics;
using EncodeQuality.Native;
using EncodeQuality.Native.Frames;
using EncodeQuality.Pipeline.Ladder;
using EncodeQuality.Metrics;
using EncodeQuality.Pipeline.Stages;
using EncodeQuality.Vmaf;
using Serilog;
using EncodeQuality.Model;

namespace EncodeQuality.Pipeline;

/// <summary>
/// Runs a ladder: one decode of the source fanned out to every rung, each rung encoding,
/// matching recon to source and scoring in display order. Each rung's media is written where
/// <see cref="EncodeRequest.MediaPath"/> says (a temporary name: the results layer decides when a
/// run's files become final); the scores come back in the result and, frame by frame, through the
/// observer.
/// </summary>
public sealed class LadderRunner(MetricCatalog catalog, ILogger log)
{
    public async Task<LadderResult> Run(EncodeRequest request, CancellationToken cancel) =>
        await Run(request, NoLadderObserver.Instance, cancel);

    public async Task<LadderResult> Run(EncodeRequest request, ILadderObserver observer, CancellationToken cancel)
    {
        var wall = Stopwatch.StartNew();
        using var decoder = SourceDecoder.Open(request.Source, request.SourceOptions);
        var info = decoder.Info;
        var format = info.Format;
        if (format.Width % 2 != 0 || format.Height % 2 != 0)
            throw new InputException($"{request.Source}: picture is {format.Width}x{format.Height}; 4:2:0 encoding needs an even width and height");
        if (info.Converted)
            log.Information("Source pixel format {PixFmt} is converted to {Depth}-bit 4:2:0 with swscale", info.SourcePixelFormat, format.BitDepth);
        log.Information("Source {Source}: {Codec} {Format} at {Fps:0.###} fps", request.Source, info.Codec, format, info.Fps);

        var ladder = request.Ladder ?? DefaultLadder.For(format.Height);
        foreach (var r in ladder.Where(r => r.Height > format.Height))
            log.Warning("Rendition {Rendition} ({Height}p) is taller than the source ({SourceHeight}p): it is an upscale", r.Name, r.Height, format.Height);
        observer.SourceOpened(info, ladder);

        bool scoring = request.Metrics.Count > 0;
        var shares = Shares(ladder, format, scoring ? request.ScoreAt : 0);
        StreamScorer? ScorerFor(Rendition r, ScoreAt mode) =>
            scoring && request.ScoreAt.HasFlag(mode)
                ? new StreamScorer(catalog.Create(request.Metrics, shares[ScoredSize(r, format, mode)]),
                    (frame, sheet) => observer.FrameScored(r.Name, mode, frame, sheet), request.Subsample)
                : null;

        // Before any encoder opens: sizes the metrics cannot score, every output name, the memory the run needs.
        if (scoring)
            foreach (var r in ladder)
            {
                var (w, h) = r.SizeFor(format);
                if (request.ScoreAt.HasFlag(ScoreAt.Encode)) catalog.CheckSize(request.Metrics, w, h, $"rendition '{r.Name}' at its own size");
                if (request.ScoreAt.HasFlag(ScoreAt.Source)) catalog.CheckSize(request.Metrics, format.Width, format.Height, $"rendition '{r.Name}' at the source's size");
            }
        var mediaPaths = ladder.Select(r => request.MediaPath(r)).ToList();
        long estimate = CheckMemory(request, ladder, info, scoring, shares);
        // In a worker's long-lived process the peak would otherwise be the largest of any job so far.
        bool ownPeak = MemoryPeak.Reset();

        var jobs = new List<(RungJob Job, string Media)>();
        bool done = false;
        try
        {
            for (int i = 0; i < ladder.Count; i++)
            {
                var r = ladder[i];
                string media = mediaPaths[i];
                RungJob job;
                try
                {
                    job = new RungJob(r, format, info.FpsNum, info.FpsDen, scoring ? request.ScoreAt : 0,
                        ScorerFor(r, ScoreAt.Encode), ScorerFor(r, ScoreAt.Source), media, request.Container, request.EncoderThreads, log,
                        n => observer.FrameEncoded(r.Name, n), request.Segments, request.DelayEstimate);
                }
                catch (GlueException e)
                {
                    DeleteQuietly(media);
                    // Settings the encoder refuses are the user's to fix; a muxer that cannot write is a processing failure.
                    if (e is EncoderSettingsException) throw new InputException($"rendition '{r.Name}': {e.Message}");
                    throw new GlueException($"rendition '{r.Name}': {e.Message}");
                }
                jobs.Add((job, media));
                observer.RenditionStarted(r, job.Format);
                var used = job.Encoder;
                log.Information("Rendition {Rendition}: {Codec} {Format}, {Rate}, keyint {Keyint}, encoder delay {Delay} frames (bframes {Bframes}, lookahead {Lookahead}, threads {Threads})",
                    r.Name, Codecs.Of(r.Codec).Name, job.Format, used.RateControlText, used.Keyint, used.MaxDelayedFrames, used.Bframes, used.RcLookahead, used.Threads);
            }

            long frames = await RunAll(decoder, jobs.Select(j => j.Job).ToList(), request.MaxFrames, cancel);
            if (frames == 0) throw new InputException($"{request.Source}: no video frames");
            wall.Stop();
            var damaged = decoder.DamagedFrames;
            if (damaged.Count > 0)
                log.Warning("Source: {Damaged} of {Frames} frames were damaged and concealed by the decoder (first at frame {First})",
                    damaged.Count, frames, damaged[0]);

            foreach (var ((w, h), share) in shares.Where(s => s.Value.Shared))
                log.Information("Reference work at {Size} shared by {Streams} streams: {Parts}", $"{w}x{h}", share.Streams, string.Join("; ", share.Report()));
            var reports = new List<RenditionReport>();
            foreach (var (job, media) in jobs) reports.Add(Report(job, media, frames, info, request.Segments));
            log.Information("Memory: peak {Peak} of the {Estimate} estimated before the run{Scope}",
                MemoryEstimate.Text(MemoryPeak.Read()), MemoryEstimate.Text(estimate), ownPeak ? "" : " (the process's peak: the kernel keeps no run's own)");
            done = true;
            return new LadderResult(request.Source, info, frames, wall.Elapsed, reports, [.. damaged]);
        }
        finally
        {
            foreach (var (job, media) in jobs)
            {
                job.Dispose();
                if (!done) DeleteQuietly(media);
            }
        }
    }
    /// <summary>The size a rung is scored at in a mode: its own (encode) or the source's.</summary>
    private static (int Width, int Height) ScoredSize(Rendition r, VideoFormat source, ScoreAt mode) =>
        mode == ScoreAt.Encode ? r.SizeFor(source) : (source.Width, source.Height);

    /// <summary>
    /// One share of reference-only work per scoring size: every rung scored at a size is compared
    /// with the same reference frames there (the source, or the source scaled by the same bicubic
    /// scaler to that size), under the same display numbers. Each rung scores on a thread of its
    /// own, behind its encoder's delay, so the streams are not in step.
    /// </summary>
    private static Dictionary<(int Width, int Height), ReferenceShare> Shares(IReadOnlyList<Rendition> ladder, VideoFormat source, ScoreAt scoreAt)
    {
        var streams = new Dictionary<(int Width, int Height), int>();
        foreach (var r in ladder)
            foreach (var mode in new[] { ScoreAt.Encode, ScoreAt.Source })
                if (scoreAt.HasFlag(mode))
                    streams[ScoredSize(r, source, mode)] = streams.GetValueOrDefault(ScoredSize(r, source, mode)) + 1;
        return streams.ToDictionary(p => p.Key, p => new ReferenceShare(p.Value, inStep: false));
    }

    /// <summary>
    /// Estimates the run's peak memory from what each encoder would resolve, and refuses a run that
    /// cannot fit, or a rung whose settings or segments its library refuses.
    /// </summary>
    private long CheckMemory(EncodeRequest request, IReadOnlyList<Rendition> ladder, SourceInfo info, bool scoring,
        Dictionary<(int Width, int Height), ReferenceShare> shares)
    {
        var rungs = new List<long>();
        foreach (var r in ladder)
        {
            var (w, h) = r.SizeFor(info.Format);
            var format = new VideoFormat(w, h, info.Format.BitDepth);
            EncoderInfo plan;
            try { plan = VideoEncoder.Plan(r.Encoder, format, info.FpsNum, info.FpsDen, request.EncoderThreads); }
            catch (EncoderSettingsException e) { throw new InputException($"rendition '{r.Name}': {e.Message}"); }
            if (request.Segments is { ForcesKeyframes: true } && !plan.Crf && Codecs.Of(r.Codec).ForcesKeyframesInCrfOnly)
                throw new InputException($"rendition '{r.Name}': {Codecs.Of(r.Codec).Name} forces the segments' key frames only with crf: " +
                    "give it a crf, or use --segment-duration keyint");
            rungs.Add(MemoryEstimate.Rung(plan, r.Codec, format, info.Format, scoring ? request.ScoreAt : 0,
                f => catalog.WorkingSet(request.Metrics, f.Width, f.Height, shares.GetValueOrDefault((f.Width, f.Height)))));
        }
        long estimate = MemoryEstimate.Run(info.Format, rungs, MemoryPeak.Resident());
        long? available = MemoryEstimate.Available();
        if (available is { } a && estimate > a)
            throw new InputException($"this run needs about {MemoryEstimate.Text(estimate)} of memory and {MemoryEstimate.Text(a)} is available: " +
                "use fewer or smaller rungs, or a shorter rcLookahead");
        log.Information("Memory: about {Estimate} needed, {Available} available", MemoryEstimate.Text(estimate),
            available is { } av ? MemoryEstimate.Text(av) : "unknown");
        return estimate;
    }

    private async Task<long> RunAll(SourceDecoder decoder, List<RungJob> jobs, long maxFrames, CancellationToken cancel)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var ct = cts.Token;
        long frames = 0;

        // Any failure cancels every stage so nothing waits on a queue that will never move.
        async Task Guard(Func<Task> body)
        {
            try { await body(); }
            catch
            {
                cts.Cancel();
                throw;
            }
        }

        // Each loop on a thread of its own, as the README's picture shows: the decoder, and per rung
        // the encoder loop and the scorer loop.
        var tasks = new List<Task> { DedicatedThread.Run("eq decoder", () => Guard(async () => frames = await ReadSource(decoder, jobs, maxFrames, ct))) };
        foreach (var job in jobs)
        {
            tasks.Add(DedicatedThread.Run($"eq encode {job.Rendition.Name}", () => Guard(() => job.RunEncoder(ct))));
            tasks.Add(DedicatedThread.Run($"eq score {job.Rendition.Name}", () => Guard(() => job.RunScorer(ct))));
        }
        try
        {
            await Task.WhenAll(tasks);
        }
        catch
        {
            foreach (var job in jobs) job.Abandon();
            // Report the cause, not the cancellations it triggered.
            var errors = tasks.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions)
                .Where(e => e is not OperationCanceledException).ToList();
            if (errors.Count > 0) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(errors[0]);
            cancel.ThrowIfCancellationRequested();
            throw;
        }
        return frames;
    }

    private async Task<long> ReadSource(SourceDecoder decoder, List<RungJob> jobs, long maxFrames, CancellationToken ct)
    {
        var pool = new FramePool(decoder.Info.Format);
        long count = 0;
        var progress = Stopwatch.StartNew();
        try
        {
            while (maxFrames <= 0 || count < maxFrames)
            {
                var frame = pool.Rent();
                bool got;
                try { got = decoder.Read(frame); }
                catch { frame.Release(); throw; }
                if (!got)
                {
                    frame.Release();
                    break;
                }
                try
                {
                    foreach (var job in jobs)
                    {
                        frame.AddRef();
                        try { await job.Input.Writer.WriteAsync(frame, ct); }
                        catch { frame.Release(); throw; }
                    }
                }
                finally { frame.Release(); }
                count++;
                if (progress.Elapsed.TotalSeconds >= 2)
                {
                    log.Information("Progress: {Frames} frames read{OfTotal}", count,
                        decoder.Info.FrameCountHint > 0 ? $" of {decoder.Info.FrameCountHint}" : "");
                    progress.Restart();
                }
            }
            foreach (var job in jobs) job.Input.Writer.TryComplete();
            log.Debug("Source pool created {Frames} frames", pool.Allocated);
            return count;
        }
        catch (Exception e)
        {
            foreach (var job in jobs) job.Input.Writer.TryComplete(e);
            throw;
        }
    }

    private RenditionReport Report(RungJob job, string media, long frames, SourceInfo info, SegmentPlan? segments)
    {
        var r = job.Rendition;
        if (job.FramesEncoded != frames)
            throw new InvalidOperationException($"rendition '{r.Name}': {job.FramesEncoded} frames encoded of {frames}");
        double seconds = frames * (double)info.FpsDen / info.FpsNum;
        bool scored = job.AtEncode is not null || job.AtSource is not null;
        var facts = new RenditionFacts
        {
            Name = r.Name, Codec = Codecs.Of(r.Codec).Name, Width = job.Format.Width, Height = job.Format.Height,
            BitDepth = job.Format.BitDepth, RateControl = job.Encoder.RateControlText, Settings = LadderWriter.RungJson(r),
            Frames = frames, SizeBytes = job.BytesWritten, BitrateKbps = job.BytesWritten * 8 / 1000.0 / seconds,
            EncodeFps = frames / Math.Max(job.EncodeTime.TotalSeconds, 1e-9),
            ScoreFps = scored ? frames / Math.Max(job.ScoreTime.TotalSeconds, 1e-9) : null,
            File = media, Queues = job.Marks, Encoder = job.Encoder,
            Keyframes = [.. job.Keyframes.Order()],
            SegmentStarts = segments?.Starts(frames, info.FpsNum, info.FpsDen, job.Encoder.Keyint),
        };
        var report = new RenditionReport(r, facts, media, job.AtEncode?.Sheet, job.AtSource?.Sheet);
        log.Information("Rendition {Rendition} encoded: {Frames} frames, {Kbps:0.#} kbit/s, {EncodeFps:0.#} fps encode, queues {@Queues}",
            r.Name, frames, facts.BitrateKbps, facts.EncodeFps, facts.Queues);
        return report;
    }

    private static void DeleteQuietly(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
