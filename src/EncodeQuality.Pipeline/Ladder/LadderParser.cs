using System.Text.Json;
using EncodeQuality.Native;

namespace EncodeQuality.Pipeline.Ladder;

/// <summary>
/// Reads a ladder file: {"renditions": [ {...}, ... ]}. Every mistake is an
/// <see cref="InputException"/> naming the rendition and the key.
/// </summary>
public static class LadderParser
{
    private static readonly HashSet<string> Keys =
    [
        "name", "codec", "width", "height", "crf", "bitrate", "maxrate", "bufsize",
        "preset", "tune", "keyint", "bframes", "rcLookahead", "params",
    ];

    public static IReadOnlyList<Rendition> Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"ladder {path}: cannot read it ({e.Message})");
        }
        return Parse(text, path);
    }

    public static IReadOnlyList<Rendition> Parse(string json, string origin)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e)
        {
            throw new InputException($"ladder {origin}: not valid JSON (line {e.LineNumber + 1}: {FirstSentence(e.Message)})");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("renditions", out var list))
                throw new InputException($"ladder {origin}: expected an object with a \"renditions\" array");
            foreach (var p in root.EnumerateObject())
                if (p.Name != "renditions") throw new InputException($"ladder {origin}: unknown key '{p.Name}' at the top level");
            if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
                throw new InputException($"ladder {origin}: \"renditions\" must be a non-empty array");

            var result = new List<Rendition>();
            int index = 0;
            foreach (var item in list.EnumerateArray())
            {
                var r = ParseOne(item, index++, origin);
                if (result.Any(x => x.Name == r.Name)) throw new InputException($"ladder {origin}: rendition '{r.Name}' appears twice");
                result.Add(r);
            }
            return result;
        }
    }

    private static Rendition ParseOne(JsonElement e, int index, string origin)
    {
        string where = $"ladder {origin}: rendition #{index + 1}";
        if (e.ValueKind != JsonValueKind.Object) throw new InputException($"{where}: expected an object");
        if (e.TryGetProperty("name", out var nameEl))
        {
            if (nameEl.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(nameEl.GetString()))
                throw new InputException($"{where}: 'name' must be a non-empty string");
            where = $"ladder {origin}: rendition '{nameEl.GetString()}'";
        }
        else throw new InputException($"{where}: missing 'name'");
        string name = nameEl.GetString()!;
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name is "." or ".." || name == "summary")
            throw new InputException($"{where}: 'name' must be usable as a file name");

        foreach (var p in e.EnumerateObject())
            if (!Keys.Contains(p.Name)) throw new InputException($"{where}: unknown key '{p.Name}'");

        var codecText = String(e, "codec", where) ?? throw new InputException($"{where}: missing 'codec' (\"x264\" or \"x265\")");
        var codec = codecText switch
        {
            "x264" => VideoCodec.X264,
            "x265" => VideoCodec.X265,
            _ => throw new InputException($"{where}: 'codec' must be \"x264\" or \"x265\", not \"{codecText}\""),
        };
        int height = Int(e, "height", where, 16, 8192) ?? throw new InputException($"{where}: missing 'height'");
        int? width = Int(e, "width", where, 16, 8192);
        if (height % 2 != 0) throw new InputException($"{where}: 'height' must be even for 4:2:0, got {height}");
        if (width is { } w && w % 2 != 0) throw new InputException($"{where}: 'width' must be even for 4:2:0, got {width}");
        double? crf = Number(e, "crf", where, 0, 51);
        int? bitrate = Int(e, "bitrate", where, 1, 1_000_000);
        if (crf is null == bitrate is null) throw new InputException($"{where}: give exactly one of 'crf' and 'bitrate'");
        int? maxrate = Int(e, "maxrate", where, 1, 1_000_000);
        int? bufsize = Int(e, "bufsize", where, 1, 10_000_000);
        if (bufsize is not null && maxrate is null) throw new InputException($"{where}: 'bufsize' needs 'maxrate'");
        if (maxrate is not null && bitrate is not null && maxrate < bitrate)
            throw new InputException($"{where}: 'maxrate' ({maxrate}) is below 'bitrate' ({bitrate})");

        var prms = new List<KeyValuePair<string, string>>();
        if (e.TryGetProperty("params", out var pe))
        {
            if (pe.ValueKind != JsonValueKind.Object) throw new InputException($"{where}: 'params' must be an object of encoder options");
            foreach (var p in pe.EnumerateObject())
            {
                string v = p.Value.ValueKind switch
                {
                    JsonValueKind.String => p.Value.GetString()!,
                    JsonValueKind.Number => p.Value.GetRawText(),
                    JsonValueKind.True => "1",
                    JsonValueKind.False => "0",
                    _ => throw new InputException($"{where}: params.{p.Name} must be a string, number or boolean"),
                };
                prms.Add(new(p.Name, v));
            }
        }

        return new Rendition
        {
            Name = name, Codec = codec, Width = width, Height = height, Crf = crf, BitrateKbps = bitrate,
            MaxrateKbps = maxrate, BufsizeKbits = bufsize,
            Preset = String(e, "preset", where), Tune = String(e, "tune", where),
            Keyint = Int(e, "keyint", where, 1, 100_000), Bframes = Int(e, "bframes", where, 0, 16),
            RcLookahead = Int(e, "rcLookahead", where, 0, 250), Params = prms,
        };
    }

    private static string? String(JsonElement e, string key, string where)
    {
        if (!e.TryGetProperty(key, out var v)) return null;
        if (v.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(v.GetString()))
            throw new InputException($"{where}: '{key}' must be a non-empty string");
        return v.GetString();
    }

    private static double? Number(JsonElement e, string key, string where, double min, double max)
    {
        if (!e.TryGetProperty(key, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d) || d < min || d > max)
            throw new InputException($"{where}: '{key}' must be a number from {min} to {max}, got {v.GetRawText()}");
        return d;
    }

    private static int? Int(JsonElement e, string key, string where, int min, int max)
    {
        if (!e.TryGetProperty(key, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var i) || i < min || i > max)
            throw new InputException($"{where}: '{key}' must be a whole number from {min} to {max}, got {v.GetRawText()}");
        return i;
    }

    private static string FirstSentence(string s) => s.Split('.', 2)[0];
}
