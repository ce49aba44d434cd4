using System.Text.Json;
using System.Text.Json.Serialization;
using EncodeQuality.Model;

namespace EncodeQuality.Results.Files;

/// <summary>
/// A score log's "frames" array, [{"frameNum": n, "metrics": {name: value}}] as libvmaf writes it:
/// written straight from a score set's sheet and read straight into a new sheet, so no frame list
/// is built on either side.
/// </summary>
public sealed class ScoreLogFrames
{
    private ScoreLogFrames(ScoreSet? written, ScoreSheet? read) => (Written, Read) = (written, read);

    public static ScoreLogFrames Of(ScoreSet scores) => new(scores, null);

    internal static ScoreLogFrames From(ScoreSheet sheet) => new(null, sheet);

    internal ScoreSet? Written { get; }

    /// <summary>The values of a log that was read; the caller owns (disposes) the sheet.</summary>
    public ScoreSheet Sheet => Read ?? throw new InvalidOperationException("these frames were not read from a file");

    private ScoreSheet? Read { get; }
}

/// <summary>Streams <see cref="ScoreLogFrames"/> one frame at a time; values carry six decimals, as libvmaf writes them.</summary>
internal sealed class ScoreLogFramesConverter : JsonConverter<ScoreLogFrames>
{
    public override void Write(Utf8JsonWriter w, ScoreLogFrames frames, JsonSerializerOptions options)
    {
        var set = frames.Written ?? throw new InvalidOperationException("frames read from a file are not written again");
        w.WriteStartArray();
        foreach (int f in set.Frames)
        {
            w.WriteStartObject();
            w.WriteNumber("frameNum", f);
            w.WriteStartObject("metrics");
            for (int c = 0; c < set.Metrics.Count; c++) w.WriteNumber(set.Metrics[c], Math.Round(set.Sheet.Get(c, f), 6));
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    public override ScoreLogFrames Read(ref Utf8JsonReader r, Type type, JsonSerializerOptions options)
    {
        Expect(ref r, JsonTokenType.StartArray);
        var sheet = new ScoreSheet();
        try
        {
            while (r.Read() && r.TokenType != JsonTokenType.EndArray)
            {
                Expect(ref r, JsonTokenType.StartObject);
                long? frame = null;
                List<(string, double)>? pending = null;
                while (r.Read() && r.TokenType != JsonTokenType.EndObject)
                {
                    string name = r.GetString()!;
                    r.Read();
                    if (name == "frameNum") frame = r.GetInt64();
                    else if (name == "metrics")
                    {
                        Expect(ref r, JsonTokenType.StartObject);
                        pending = [];
                        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
                        {
                            string metric = r.GetString()!;
                            r.Read();
                            pending.Add((metric, r.GetDouble()));
                        }
                    }
                    else r.Skip();
                }
                if (frame is not { } n) throw new JsonException("a frame without frameNum");
                foreach (var (metric, value) in pending ?? []) sheet.Set(sheet.Column(metric), n, value);
            }
            return ScoreLogFrames.From(sheet);
        }
        catch
        {
            sheet.Dispose();
            throw;
        }
    }

    private static void Expect(ref Utf8JsonReader r, JsonTokenType token)
    {
        if (r.TokenType != token) throw new JsonException($"expected {token}, found {r.TokenType}");
    }
}
