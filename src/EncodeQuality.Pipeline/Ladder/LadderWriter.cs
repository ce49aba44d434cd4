using System.Text.Json;
using EncodeQuality.Native;

namespace EncodeQuality.Pipeline.Ladder;

/// <summary>A ladder in the ladder-file format that <see cref="LadderParser"/> reads, for summaries and stores.</summary>
public static class LadderWriter
{
    public static void Write(Utf8JsonWriter w, IReadOnlyList<Rendition> ladder)
    {
        w.WriteStartObject();
        w.WriteStartArray("renditions");
        foreach (var r in ladder) WriteRung(w, r);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteRung(Utf8JsonWriter w, Rendition r)
    {
        w.WriteStartObject();
        w.WriteString("name", r.Name);
        w.WriteString("codec", Codecs.Of(r.Codec).Name);
        if (r.Width is { } width) w.WriteNumber("width", width);
        w.WriteNumber("height", r.Height);
        var e = r.Encoder;
        foreach (var o in EncoderOptions.All)
            if (e[o] is { } v) w.WriteNumber(o.Key, v);
        if (e.Preset is not null) w.WriteString("preset", e.Preset);
        if (e.Tune is not null) w.WriteString("tune", e.Tune);
        if (e.Params.Count > 0)
        {
            w.WriteStartObject("params");
            foreach (var (k, v) in e.Params) w.WriteString(k, v);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    public static string ToJson(IReadOnlyList<Rendition> ladder) => Json(w => Write(w, ladder));

    /// <summary>One rung as a ladder file's rendition object.</summary>
    public static string RungJson(Rendition r) => Json(w => WriteRung(w, r));

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
