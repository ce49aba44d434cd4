using EncodeQuality.Model;
using System.Runtime.InteropServices;
using System.Text.Json;
using EncodeQuality.Native;

namespace EncodeQuality.Application;

/// <summary>
/// Everything that makes a score, with its version: eq and its commit, FFmpeg's libraries and
/// x264/x265 as loaded, libvmaf if one loads, the .NET runtime. Printed by eq --version and
/// written into summary.json, the score logs and the store, so every score can be traced.
/// </summary>
public static class ToolVersions
{
    public static IReadOnlyList<KeyValuePair<string, string>> All { get; } =
    [
        new("eq", EqBuild.Version),
        .. SourceDecoder.Libraries,
        new("libvmaf", EncodeQuality.LibVmaf.LibVmafLibrary.Version() ?? "not found (the managed VMAF engine is used)"),
        new("runtime", RuntimeInformation.FrameworkDescription),
    ];

    public static string Text => string.Concat(All.Select(t => $"{t.Key,-12} {t.Value}{Environment.NewLine}"));

    /// <summary>The versions as one JSON object, as runs record them.</summary>
    public static string Json()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var (name, version) in All) w.WriteString(name, version);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
