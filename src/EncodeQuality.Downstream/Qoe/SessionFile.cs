using System.Text.Json;

namespace EncodeQuality.Downstream.Qoe;

/// <summary>
/// Reads sessions: a JSON file holding one session or an array of them, or JSON Lines (one session a
/// line). A session:
/// <code>
/// {"id": "A", "startup_ms": 1200, "player": {"width": 1920, "height": 1080}, "end": "completed",
///  "segments": [{"rendition": "720p", "seconds": 4, "stall_seconds": 0, "start": 0}, ...]}
/// </code>
/// <c>start</c> (media seconds) defaults to where the previous segment ended, so only seeks need it;
/// <c>stall_seconds</c> defaults to 0. A session whose video never started has no <c>startup_ms</c>, no
/// segments, and says how long the viewer waited in <c>waited_ms</c>. Every fault is one line naming
/// the session and the field.
/// </summary>
public static class SessionFile
{
    public static IReadOnlyList<Session> Load(string path)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: no such session file");
        string text = File.ReadAllText(path);
        var sessions = new List<Session>();
        bool lines = path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase);
        if (lines)
        {
            int n = 0;
            foreach (var line in text.Split('\n'))
            {
                n++;
                if (line.Trim().Length == 0) continue;
                sessions.Add(ParseOne(line, $"{path} line {n}", $"line{n}"));
            }
        }
        else
        {
            using var doc = Document(text, path);
            if (doc.RootElement.ValueKind == JsonValueKind.Array)
            {
                int i = 0;
                foreach (var e in doc.RootElement.EnumerateArray()) { i++; sessions.Add(Parse(e, $"{path} session {i}", $"{i}")); }
            }
            else sessions.Add(Parse(doc.RootElement, path, "1"));
        }
        if (sessions.Count == 0) throw new InputException($"{path}: no sessions");
        var twice = sessions.GroupBy(s => s.Id).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new InputException($"{path}: session id {twice.Key} is given twice");
        return sessions;
    }

    public static Session ParseOne(string json, string where, string defaultId)
    {
        using var doc = Document(json, where);
        return Parse(doc.RootElement, where, defaultId);
    }

    private static JsonDocument Document(string json, string where)
    {
        try { return JsonDocument.Parse(json); }
        catch (JsonException e) { throw new InputException($"{where}: not JSON ({e.Message})"); }
    }

    private static Session Parse(JsonElement e, string where, string defaultId)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new InputException($"{where}: a session is a JSON object");
        string id = e.TryGetProperty("id", out var idProp) ? idProp.ToString() : defaultId;
        string at = $"{where} (session {id})";
        double? startup = Number(e, "startup_ms", at, min: 0);
        double? waited = Number(e, "waited_ms", at, min: 0);
        int width = 0, height = 0;
        if (e.TryGetProperty("player", out var player))
        {
            width = (int)(Number(player, "width", at + ": player", min: 1) ?? throw new InputException($"{at}: player needs width and height"));
            height = (int)(Number(player, "height", at + ": player", min: 1) ?? throw new InputException($"{at}: player needs width and height"));
        }
        var end = e.TryGetProperty("end", out var endProp) ? endProp.GetString() switch
        {
            "completed" => SessionEnd.Completed,
            "exited" => SessionEnd.Exited,
            "failed" => SessionEnd.Failed,
            var other => throw new InputException($"{at}: end is \"{other}\"; it is completed, exited or failed"),
        } : SessionEnd.Completed;

        var segments = new List<PlayedSegment>();
        if (e.TryGetProperty("segments", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array) throw new InputException($"{at}: segments is a list");
            double position = 0;
            int n = 0;
            foreach (var s in list.EnumerateArray())
            {
                n++;
                string sat = $"{at}: segment {n}";
                if (s.ValueKind != JsonValueKind.Object || !s.TryGetProperty("rendition", out var r) || r.ValueKind != JsonValueKind.String)
                    throw new InputException($"{sat}: needs a rendition name");
                double seconds = Number(s, "seconds", sat, min: 0) ?? throw new InputException($"{sat}: needs seconds");
                if (seconds <= 0) throw new InputException($"{sat}: seconds must be above 0");
                double start = Number(s, "start", sat, min: 0) ?? position;
                segments.Add(new PlayedSegment(r.GetString()!, start, seconds, Number(s, "stall_seconds", sat, min: 0) ?? 0));
                position = start + seconds;
            }
        }
        if (segments.Count > 0 && startup is null) throw new InputException($"{at}: segments were played, so startup_ms is needed");
        if (segments.Count == 0 && startup is not null) throw new InputException($"{at}: startup_ms is given but no segment was played");
        if (segments.Count == 0 && end == SessionEnd.Completed) throw new InputException($"{at}: completed, but no segment was played");
        if (segments.Count > 0 && (width == 0 || height == 0)) throw new InputException($"{at}: needs the player's size (player.width, player.height)");
        return new Session(id, startup, waited, width, height, segments, end);
    }

    private static double? Number(JsonElement e, string name, string at, double min)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number || !double.IsFinite(v.GetDouble()))
            throw new InputException($"{at}: {name} must be a number");
        double d = v.GetDouble();
        if (d < min) throw new InputException($"{at}: {name} must be at least {min}");
        return d;
    }
}
