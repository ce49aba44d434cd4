using System.Globalization;
using System.Text;

namespace EncodeQuality.Downstream.Mqa;

/// <summary>
/// Adds our own HLS tag, <c>#EXT-EQ-MQA:</c> followed by the segment's CMSD-MQA dictionary, before each
/// media segment of a media playlist. It is an extension of ours, not part of RFC 8216 (clients
/// ignore tags they do not know, §4.1); the playlist's i-th segment is the run's i-th segment, and
/// their durations must agree. Tags from an earlier pass are replaced, so tagging twice changes nothing.
/// </summary>
public static class HlsMqaTags
{
    public const string Tag = "#EXT-EQ-MQA:";

    /// <summary>How far an EXTINF duration may be from the segment's: playlists round durations to milliseconds or whole seconds.</summary>
    private static double Tolerance(string extinf) => extinf.Contains('.') ? 0.01 : 0.5;

    public static string Apply(string playlist, string playlistName, IReadOnlyList<SegmentRecord> segments, MqaKeys keys)
    {
        var lines = playlist.Replace("\r\n", "\n").Split('\n');
        if (lines.Length == 0 || lines[0].Trim() != "#EXTM3U") throw new InputException($"{playlistName}: not an HLS playlist (no #EXTM3U first)");
        if (lines.Any(l => l.StartsWith("#EXT-X-STREAM-INF", StringComparison.Ordinal)))
            throw new InputException($"{playlistName}: a multivariant playlist; give the rendition's media playlist");
        var output = new StringBuilder();
        int n = 0;
        foreach (var line in lines.Take(lines.Length - (lines[^1].Length == 0 ? 1 : 0)))
        {
            if (line.StartsWith(Tag, StringComparison.Ordinal)) continue;
            if (line.StartsWith("#EXTINF:", StringComparison.Ordinal))
            {
                if (n >= segments.Count) throw new InputException($"{playlistName}: more segments than the {segments.Count} of the segments file");
                string value = line["#EXTINF:".Length..].Split(',')[0].Trim();
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
                    throw new InputException($"{playlistName}: segment {n + 1}: EXTINF duration \"{value}\" is not a number");
                if (Math.Abs(seconds - segments[n].Duration) > Tolerance(value))
                    throw new InputException($"{playlistName}: segment {n + 1} lasts {value} s, the run's segment {segments[n].Index} {segments[n].Duration:0.###} s: not the same segmentation");
                output.Append(Tag).Append(MqaHeaders.For(segments[n], keys)).Append('\n');
                n++;
            }
            output.Append(line).Append('\n');
        }
        if (n != segments.Count) throw new InputException($"{playlistName}: {n} segments, the segments file {segments.Count}");
        return output.ToString();
    }
}
