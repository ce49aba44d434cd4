using System.Diagnostics;
using System.Threading.Channels;
using EncodeQuality.Native;
using EncodeQuality.Native.Frames;
using EncodeQuality.Pipeline.Ladder;
using Serilog;
using EncodeQuality.Model;

namespace EncodeQuality.Pipeline.Stages;

/// <summary>
/// One rung of the ladder: two loops joined by bounded queues.
///   encoder loop: source frame -> scale -> lookahead queue + encoder -> packet to muxer, recon out
///   scorer loop:  recon (coded order) -> match with its reference -> reorder -> metrics (display order)
/// </summary>
internal sealed class RungJob : IDisposable
{
    /// <summary>Source frames waiting for this rung: one being scaled, one queued (double buffering).</summary>
    public const int InputCapacity = 2;

    /// <summary>Recon frames between the loops, for the same double buffering.</summary>
    private const int ReconCapacity = 2;

    private readonly Rendition _rendition;
    private readonly VideoFormat _sourceFormat;
    private readonly ScoreAt _scoreAt;
    private readonly VideoEncoder _encoder;
    private readonly ContainerMuxer _muxer;
    private readonly FrameScaler? _down;
    private readonly FrameScaler? _up;
    private readonly FramePool _rungPool;
    private readonly FramePool _upPool;
    private readonly LookaheadQueue _lookahead;
    private readonly ReorderQueue _reorder;
    private readonly Channel<VideoFrame> _recons;
    private int _inEncoder;
    private long _latestReturned = -1;
    private readonly ILogger _log;

    private readonly Action<long>? _encoded;
    private readonly SegmentPlan? _segments;
    private readonly int _fpsNum, _fpsDen;
    private long _segment, _segmentStart;
    private readonly List<long> _keyframes = [];

    /// <param name="encoded">Told the count of frames encoded so far, after each one (progress displays).</param>
    /// <param name="segments">Where segments start: the encoder makes those frames IDRs when the plan says so.</param>
    /// <param name="delayEstimate">The delay the queues are sized for, when not the encoder's own report (tests).</param>
    public RungJob(Rendition rendition, VideoFormat sourceFormat, int fpsNum, int fpsDen, ScoreAt scoreAt,
        StreamScorer? atEncode, StreamScorer? atSource, string mediaPath, string container, int encoderThreads, ILogger log,
        Action<long>? encoded = null, SegmentPlan? segments = null, int? delayEstimate = null)
    {
        _log = log;
        _encoded = encoded;
        _segments = segments;
        (_fpsNum, _fpsDen) = (fpsNum, fpsDen);
        _rendition = rendition;
        _sourceFormat = sourceFormat;
        _scoreAt = scoreAt;
        var (w, h) = rendition.SizeFor(sourceFormat);
        Format = new VideoFormat(w, h, sourceFormat.BitDepth);
        _encoder = new VideoEncoder(rendition.Encoder, Format, fpsNum, fpsDen, encoderThreads);
        _muxer = new ContainerMuxer(mediaPath, container, rendition.Codec, Format, fpsNum, fpsDen, _encoder.Headers);
        bool resized = Format != sourceFormat;
        // One bicubic scaler setting for both directions, so reference and recon are treated alike.
        _down = resized ? new FrameScaler(sourceFormat, Format) : null;
        _up = resized && scoreAt.HasFlag(ScoreAt.Source) ? new FrameScaler(Format, sourceFormat) : null;
        _rungPool = new FramePool(Format);
        _upPool = new FramePool(sourceFormat);
        _lookahead = new LookaheadQueue(delayEstimate ?? _encoder.Info.MaxDelayedFrames);
        _reorder = new ReorderQueue(_lookahead.Capacity);
        _recons = Channel.CreateBounded<VideoFrame>(new BoundedChannelOptions(ReconCapacity) { SingleReader = true, SingleWriter = true });
        Input = Channel.CreateBounded<VideoFrame>(new BoundedChannelOptions(InputCapacity) { SingleReader = true, SingleWriter = true });
        AtEncode = atEncode;
        AtSource = atSource;
    }

    public Rendition Rendition => _rendition;
    public VideoFormat Format { get; }
    public Channel<VideoFrame> Input { get; }
    public StreamScorer? AtEncode { get; }
    public StreamScorer? AtSource { get; }
    /// <summary>What the opened encoder really does, read back from it.</summary>
    public EncoderInfo Encoder => _encoder.Info;
    public long FramesEncoded { get; private set; }
    public long BytesWritten => _muxer.BytesWritten;
    public TimeSpan EncodeTime { get; private set; }
    public TimeSpan ScoreTime { get; private set; }
    public int EncoderHighWater { get; private set; }
    /// <summary>The display index of every frame the encoder made a keyframe, ascending once the rung is done.</summary>
    public IReadOnlyList<long> Keyframes => _keyframes;

    /// <summary>
    /// The most rung-sized frames this rung can hold at once, by construction: every reference
    /// not yet scored (lookahead queue, with what it admitted beyond its capacity, and reorder
    /// window), the recon frames between the loops, the recon buffer the encoder writes into and
    /// the pair being scored.
    /// </summary>
    public int MaxRungFrames => _lookahead.Capacity + _lookahead.MostBeyond + _reorder.Capacity + ReconCapacity + 2;

    public QueueMarks Marks => new(_encoder.Info.MaxDelayedFrames, _lookahead.Capacity, _lookahead.HighWater, _lookahead.MostBeyond,
        _reorder.Capacity, _reorder.HighWater, EncoderHighWater, MaxRungFrames, _rungPool.Allocated);

    public async Task RunEncoder(CancellationToken ct)
    {
        var clock = new Stopwatch();
        VideoFrame recon = _rungPool.Rent();
        try
        {
            await foreach (var src in Input.Reader.ReadAllAsync(ct))
            {
                VideoFrame encoded;
                if (_down is null) encoded = src.AddRef();
                else
                {
                    encoded = _rungPool.Rent();
                    _down.Scale(src, encoded);
                }
                var source = _scoreAt.HasFlag(ScoreAt.Source) ? src.AddRef() : null;
                src.Release();
                var pending = new PendingReference(encoded.DisplayIndex, encoded, source);
                bool beyond;
                try { beyond = await _lookahead.Write(pending, _latestReturned, ct); }
                catch { pending.Release(); throw; }
                if (beyond && _lookahead.MostBeyond == 1)
                    _log.Warning("Rendition {Rendition}: the encoder holds {Held} frames, more than the {Delay} its queues were sized for; " +
                        "they grow to follow it (the memory estimate did not count this)", _rendition.Name, _inEncoder + 1, _lookahead.Capacity - 1);

                clock.Start();
                bool got = _encoder.Encode(encoded, recon, out var packet, StartsSegment(encoded.DisplayIndex));
                clock.Stop();
                _inEncoder++;
                if (got) recon = await Emit(packet, recon, ct);
                // Frames the encoder holds between calls: what its reported delay must cover.
                EncoderHighWater = Math.Max(EncoderHighWater, _inEncoder);
            }
            while (true)
            {
                clock.Start();
                bool got = _encoder.Encode(null, recon, out var packet);
                clock.Stop();
                if (!got) break;
                recon = await Emit(packet, recon, ct);
            }
            EncodeTime = clock.Elapsed;
            _muxer.Finish();
            if (_inEncoder != 0) throw new InvalidOperationException($"encoder kept {_inEncoder} frames after draining");
            _lookahead.Complete();
            _recons.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _lookahead.Complete(e);
            _recons.Writer.TryComplete(e);
            throw;
        }
        finally
        {
            recon.Release();
        }
    }

    /// <summary>Muxes the packet, passes the recon on, and returns a fresh recon buffer.</summary>
    /// <summary>Whether a frame (they come in display order) must start a segment as an IDR.</summary>
    private bool StartsSegment(long frame)
    {
        if (_segments is not { ForcesKeyframes: true }) return false;
        while (_segmentStart < frame) _segmentStart = _segments.Start(++_segment, _fpsNum, _fpsDen, 0);
        return _segmentStart == frame;
    }

    private async ValueTask<VideoFrame> Emit(EncodedPacket packet, VideoFrame recon, CancellationToken ct)
    {
        _muxer.Write(packet);
        if (packet.Keyframe) _keyframes.Add(packet.Pts);
        _inEncoder--;
        _latestReturned = Math.Max(_latestReturned, recon.DisplayIndex);
        FramesEncoded++;
        _encoded?.Invoke(FramesEncoded);
        await _recons.Writer.WriteAsync(recon, ct);
        return _rungPool.Rent();
    }

    public async Task RunScorer(CancellationToken ct)
    {
        var clock = new Stopwatch();
        VideoFrame? upscaled = null;
        try
        {
            await foreach (var recon in _recons.Reader.ReadAllAsync(ct))
            {
                try
                {
                    // References come in display order: read up to this recon's own.
                    while (!_reorder.HasReference(recon.DisplayIndex))
                        _reorder.AddReference(await _lookahead.Read(ct));
                    _reorder.AddRecon(recon);
                }
                catch
                {
                    recon.Release();
                    throw;
                }
                while (_reorder.TryTakeNext(out var reference, out var r))
                {
                    clock.Start();
                    try
                    {
                        AtEncode?.Push(reference.DisplayIndex, reference.Encoded, r);
                        if (AtSource is not null)
                        {
                            var distorted = r;
                            if (_up is not null)
                            {
                                upscaled ??= _upPool.Rent();
                                _up.Scale(r, upscaled);
                                distorted = upscaled;
                            }
                            AtSource.Push(reference.DisplayIndex, reference.Source!, distorted);
                        }
                    }
                    finally
                    {
                        reference.Release();
                        r.Release();
                        clock.Stop();
                    }
                }
            }
            AtEncode?.Flush();
            AtSource?.Flush();
            if (!_reorder.IsEmpty || _lookahead.Count != 0)
                throw new InvalidOperationException($"{_rendition.Name}: frames from {_reorder.NextIndex} on never came back from the encoder");
            ScoreTime = clock.Elapsed;
        }
        finally
        {
            upscaled?.Release();
        }
    }

    /// <summary>Returns every frame still held after a failure to its pool.</summary>
    public void Abandon()
    {
        Input.Writer.TryComplete();
        while (Input.Reader.TryRead(out var f)) f.Release();
        while (_recons.Reader.TryRead(out var r)) r.Release();
        _lookahead.Drain();
        _reorder.Drain();
    }

    public void Dispose()
    {
        _encoder.Dispose();
        _muxer.Dispose();
        _down?.Dispose();
        _up?.Dispose();
        AtEncode?.Dispose();
        AtSource?.Dispose();
    }
}
