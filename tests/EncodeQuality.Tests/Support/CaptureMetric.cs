using System.Security.Cryptography;
using EncodeQuality.Native.Frames;
using EncodeQuality.Metrics;
using EncodeQuality.Model;

namespace EncodeQuality.Tests.Support;

/// <summary>
/// A metric that records what the pipeline feeds metrics: the order of frame indices and a
/// hash of every reference and distorted picture, to compare with FFmpeg's decode.
/// </summary>
public sealed class CaptureMetric : IFrameMetric
{
    private int _column = -1;
    public List<long> Indices { get; } = [];
    public List<string> ReferenceHashes { get; } = [];
    public List<string> DistortedHashes { get; } = [];
    public VideoFormat? Format { get; private set; }
    /// <summary>The thread each frame was scored on.</summary>
    public List<(int Id, string? Name, bool Pool)> Threads { get; } = [];

    public IReadOnlyList<string> FeatureNames => ["capture"];

    public bool Temporal => false;

    public void Push(long frameIndex, VideoFrame reference, VideoFrame distorted, ScoreSheet sheet)
    {
        if (_column < 0) _column = sheet.Column("capture");
        Indices.Add(frameIndex);
        Threads.Add((Environment.CurrentManagedThreadId, Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread));
        ReferenceHashes.Add(Hash(reference.Bytes));
        DistortedHashes.Add(Hash(distorted.Bytes));
        Format = distorted.Format;
        sheet.Set(_column, frameIndex, frameIndex);
    }

    public static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    public void Flush(ScoreSheet sheet) { }

    public void Dispose() { }
}
