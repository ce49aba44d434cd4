using System.Security.Cryptography;

namespace EncodeQuality.Results;

/// <summary>
/// A cheap content hash of a source: SHA-256 of its length, its first MiB and its last MiB, so
/// runs on the same file match without reading a many-gigabyte source again. Two files that
/// differ only in the middle get the same fingerprint; the path and size tell them apart in
/// practice. A source that is not a file (a lavfi pattern) is fingerprinted by its text.
/// </summary>
public static class SourceFingerprint
{
    private const int Span = 1 << 20;

    public static string Of(string source)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (!File.Exists(source))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(source));
            return "text:" + Convert.ToHexStringLower(sha.GetHashAndReset());
        }
        using var f = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        long length = f.Length;
        sha.AppendData(BitConverter.GetBytes(length));
        var buffer = new byte[Span];
        sha.AppendData(buffer, 0, f.ReadAtLeast(buffer, Span, throwOnEndOfStream: false));
        if (length > Span)
        {
            f.Seek(Math.Max(Span, length - Span), SeekOrigin.Begin);
            sha.AppendData(buffer, 0, f.ReadAtLeast(buffer, Span, throwOnEndOfStream: false));
        }
        return "sha256-ends:" + Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
