using System.Text.Json;

namespace EncodeQuality.Decisions.Gates;

/// <summary>
/// --gates FILE: {"gates": [...]}, each entry an inline gate string or an object
/// {"rendition": "1080p", "metric": "vmaf", "stat": "p5", "min": 70} (or "max"), with an optional
/// "scoreAt": "encode" | "source".
/// </summary>
public static class GateFile
{
    public static IReadOnlyList<Gate> Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"--gates {path}: cannot read it ({e.Message})");
        }
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("gates", out var list) || list.ValueKind != JsonValueKind.Array)
                throw new InputException($"--gates {path}: expected an object with a \"gates\" array");
            var gates = new List<Gate>();
            int i = 0;
            foreach (var e in list.EnumerateArray())
            {
                i++;
                gates.Add(e.ValueKind switch
                {
                    JsonValueKind.String => Gate.Parse(e.GetString()!),
                    JsonValueKind.Object => FromObject(e, $"--gates {path}: gate #{i}"),
                    _ => throw new InputException($"--gates {path}: gate #{i} must be a string or an object"),
                });
            }
            return gates;
        }
        catch (JsonException e)
        {
            throw new InputException($"--gates {path}: not valid JSON (line {e.LineNumber + 1})");
        }
    }

    private static Gate FromObject(JsonElement e, string where)
    {
        string Text(string key, string? fallback = null) =>
            e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()!
            : fallback ?? throw new InputException($"{where}: missing '{key}'");
        foreach (var p in e.EnumerateObject())
            if (p.Name is not ("rendition" or "metric" or "stat" or "min" or "max" or "scoreAt"))
                throw new InputException($"{where}: unknown key '{p.Name}'");
        bool hasMin = e.TryGetProperty("min", out var min), hasMax = e.TryGetProperty("max", out var max);
        if (hasMin == hasMax) throw new InputException($"{where}: give exactly one of 'min' and 'max'");
        var bound = hasMin ? min : max;
        if (bound.ValueKind != JsonValueKind.Number) throw new InputException($"{where}: '{(hasMin ? "min" : "max")}' must be a number");
        string rendition = Text("rendition", "*");
        string mode = e.TryGetProperty("scoreAt", out _) ? "@" + Text("scoreAt") : "";
        // One grammar: the object is written as the inline form and read by the same parser.
        return Gate.Parse($"{rendition}:{Text("metric")}.{Text("stat")}{(hasMin ? ">=" : "<=")}{bound.GetRawText()}{mode}");
    }
}
