using System.Text.Json;
using EncodeQuality.Native;

namespace EncodeQuality.Pipeline.Ladder;

/// <summary>
/// Reads a ladder file: {"renditions": [ {...}, ... ]}. Every mistake is an
/// <see cref="InputException"/> naming the rendition and the key, found before any work.
/// </summary>
public static class LadderParser
{
    /// <summary>
    /// The most rungs a ladder may have unless the caller raises it: every rung holds an encoder
    /// with its lookahead (about 420 MB for a 720p x265 rung with rc-lookahead 60), and real
    /// ladders have under a dozen.
    /// </summary>
    public const int DefaultMaxRungs = 32;

    private static readonly HashSet<string> Keys =
        ["name", "codec", "width", "height", "preset", "tune", "params", .. EncoderOptions.All.Select(o => o.Key)];

    public static IReadOnlyList<Rendition> Load(string path, int maxRungs = DefaultMaxRungs)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"ladder {path}: cannot read it ({e.Message})");
        }
        return Parse(text, path, maxRungs);
    }

    public static IReadOnlyList<Rendition> Parse(string json, string origin, int maxRungs = DefaultMaxRungs)
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
            if (list.GetArrayLength() > maxRungs)
                throw new InputException($"ladder {origin}: {list.GetArrayLength()} renditions; at most {maxRungs} (--max-rungs raises the limit)");

            var result = new List<Rendition>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            int index = 0;
            foreach (var item in list.EnumerateArray())
            {
                var r = ParseOne(item, index++, origin);
                if (!names.Add(r.Name)) throw new InputException($"ladder {origin}: rendition '{r.Name}' appears twice");
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
        if (name.Any(char.IsControl))
            throw new InputException($"ladder {origin}: rendition #{index + 1}: 'name' has a control character (a newline, a tab, ...)");
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name is "." or ".." || name == "summary")
            throw new InputException($"{where}: 'name' must be usable as a file name");
        if (System.Text.Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
            throw new InputException($"{where}: 'name' is {System.Text.Encoding.UTF8.GetByteCount(name)} bytes long; at most {MaxNameBytes}");

        foreach (var p in e.EnumerateObject())
            if (!Keys.Contains(p.Name)) throw new InputException($"{where}: unknown key '{p.Name}'");

        var codecText = String(e, "codec", where) ?? throw new InputException($"{where}: missing 'codec' ({Codecs.NameList})");
        var codec = Codecs.Named(codecText) ?? throw new InputException($"{where}: 'codec' must be one of {Codecs.NameList}, not \"{codecText}\"");
        int height = Int(e, "height", where, 16, 8192) ?? throw new InputException($"{where}: missing 'height'");
        int? width = Int(e, "width", where, 16, 8192);
        if (height % 2 != 0) throw new InputException($"{where}: 'height' must be even for 4:2:0, got {height}");
        if (width is { } w && w % 2 != 0) throw new InputException($"{where}: 'width' must be even for 4:2:0, got {width}");
        var values = new Dictionary<EncoderOption, double>();
        foreach (var o in EncoderOptions.All)
            if (Number(e, o, codec, where) is { } v) values[o] = v;
        if (values.ContainsKey(EncoderOptions.Crf) == values.ContainsKey(EncoderOptions.Bitrate))
            throw new InputException($"{where}: give exactly one of 'crf' and 'bitrate'");
        if (values.ContainsKey(EncoderOptions.Bufsize) && !values.ContainsKey(EncoderOptions.Maxrate))
            throw new InputException($"{where}: 'bufsize' needs 'maxrate'");
        if (values.TryGetValue(EncoderOptions.Maxrate, out var maxrate) && values.TryGetValue(EncoderOptions.Bitrate, out var bitrate) && maxrate < bitrate)
            throw new InputException($"{where}: 'maxrate' ({maxrate}) is below 'bitrate' ({bitrate})");

        var prms = new List<KeyValuePair<string, string>>();
        if (e.TryGetProperty("params", out var pe))
        {
            if (pe.ValueKind != JsonValueKind.Object) throw new InputException($"{where}: 'params' must be an object of encoder options");
            foreach (var p in pe.EnumerateObject())
            {
                // The rung's own keys win by refusal: a param that silently overrode "crf" would
                // make the summary report settings the encode did not use.
                if (codec.OwnerOf(p.Name) is { } owner)
                    throw new InputException(EncoderOptions.All.Any(o => o.Key == owner)
                        ? $"{where}: params.{p.Name} sets '{owner}', a key of the rendition: give it there"
                        : $"{where}: params.{p.Name} is set by eq itself and cannot be changed");
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
            Name = name, Width = width, Height = height,
            Encoder = new EncoderSettings
            {
                Codec = codec.Codec, Preset = String(e, "preset", where), Tune = String(e, "tune", where), Values = values, Params = prms,
            },
        };
    }

    /// <summary>
    /// The longest rendition name in UTF-8 bytes: its longest file while written,
    /// ".NAME.source-scores.json.PID.partial", must fit the 255-byte name limit of Linux file
    /// systems (36 bytes besides the name). The output folder checks its own limit too.
    /// </summary>
    public const int MaxNameBytes = 200;

    private static string? String(JsonElement e, string key, string where)
    {
        if (!e.TryGetProperty(key, out var v)) return null;
        if (v.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(v.GetString()))
            throw new InputException($"{where}: '{key}' must be a non-empty string");
        return v.GetString();
    }

    private static double? Number(JsonElement e, EncoderOption o, CodecDescription codec, string where)
    {
        if (!e.TryGetProperty(o.Key, out var v)) return null;
        if (codec.Unsupported.TryGetValue(o, out var why)) throw new InputException($"{where}: '{o.Key}' cannot be given to {codec.Name}: {why}");
        var (min, max, whole) = codec.RangeOf(o);
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d) || d < min || d > max || (whole && d != Math.Floor(d)))
            throw new InputException($"{where}: '{o.Key}' must be a {(whole ? "whole number" : "number")} from {min} to {max} for {codec.Name}, got {v.GetRawText()}");
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
