using System.Security.Cryptography;
using System.Text;

namespace EncodeQuality.Decisions.Sampling;

/// <summary>
/// Whether a run is scored, decided from a key so that a retried job decides the same way: the
/// key's SHA-256 read as a number in [0, 1) is below the rate. Keys spread uniformly, so over many
/// runs the share scored is the rate.
/// </summary>
public static class SampleDecision
{
    public static double Position(string key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        ulong top = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hash);
        return (top >> 11) * (1.0 / (1UL << 53)); // 53 bits: every value exact in a double
    }

    public static bool IsSampled(double rate, string key) => rate >= 1 || (rate > 0 && Position(key) < rate);

    /// <summary>The job id when there is one; else the source's full path and the ladder.</summary>
    public static string KeyFor(string? jobId, string source, string ladder) =>
        jobId is not null ? "job:" + jobId : $"source:{Path.GetFullPath(source)}\nladder:{ladder}";
}
