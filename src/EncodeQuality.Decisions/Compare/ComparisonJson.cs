using System.Text.Json;
using EncodeQuality.Model;

namespace EncodeQuality.Decisions.Compare;

/// <summary>eq compare --json: every source's rung deltas and Bjøntegaard deltas, the averages and the verdict.</summary>
public static class ComparisonJson
{
    public static void Write(string path, ComparisonResult c)
    {
        string temp = Results.Files.OutputFolder.TempPathBeside(Path.GetFullPath(path));
        File.WriteAllText(temp, ToJson(c, indented: true));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The comparison as one JSON object: what --json writes and what the report page draws.</summary>
    public static string ToJson(ComparisonResult c, bool indented = false)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartObject();
            w.WriteString("kind", "comparison");
            w.WriteString("bd_method", c.Method == BdMethod.Pchip ? "pchip" : "cubic");
            w.WriteBoolean("passed", !c.Failed);
            w.WriteStartArray("failures");
            foreach (var f in c.Failures) w.WriteStringValue(f);
            w.WriteEndArray();
            w.WriteStartObject("average_bd_rate");
            foreach (var (mode, v) in c.Average) Number(w, Mode(mode), v);
            w.WriteEndObject();
            w.WriteStartArray("unmatched");
            foreach (var u in c.Unmatched) w.WriteStringValue(u);
            w.WriteEndArray();
            w.WriteStartArray("sources");
            foreach (var src in c.Sources) WriteSource(w, src);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteSource(Utf8JsonWriter w, SourceComparison s)
    {
        w.WriteStartObject();
        w.WriteString("name", s.Name);
        w.WriteString("base", s.Base.Label);
        w.WriteString("new", s.New.Label);
        w.WriteString("source", s.Base.Source);
        w.WriteStartArray("bd");
        foreach (var b in s.Bd)
        {
            w.WriteStartObject();
            w.WriteString("score_at", Mode(b.Mode));
            w.WriteNumber("points", b.Points);
            Number(w, "bd_rate_percent", b.Rate.Value);
            Number(w, "bd_vmaf", b.Vmaf.Value);
            if ((b.Rate.NotComputable ?? b.Vmaf.NotComputable) is { } why) w.WriteString("not_computable", why);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("rungs");
        foreach (var (b, n) in s.Rungs)
        {
            w.WriteStartObject();
            w.WriteString("name", b.Name);
            w.WriteNumber("width", b.Width);
            w.WriteNumber("height", b.Height);
            Side(w, "base", b);
            Side(w, "new", n);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Side(Utf8JsonWriter w, string name, RungSummary r)
    {
        w.WriteStartObject(name);
        w.WriteNumber("kbps", Math.Round(r.Kbps, 3));
        Number(w, "encode_fps", r.EncodeFps);
        foreach (var mode in (ScoreAt[])[ScoreAt.Encode, ScoreAt.Source])
            if (r.Score(mode, "vmaf") is { } v)
            {
                w.WriteStartObject(Mode(mode));
                Number(w, "vmaf_mean", v.Mean);
                Number(w, "vmaf_p5", v.P5);
                Number(w, "vmaf_p1", v.P1);
                w.WriteEndObject();
            }
        w.WriteEndObject();
    }

    private static string Mode(ScoreAt m) => m == ScoreAt.Source ? "source" : "encode";

    private static void Number(Utf8JsonWriter w, string name, double? v)
    {
        if (v is { } x) w.WriteNumber(name, Math.Round(x, 6));
        else w.WriteNull(name);
    }
}
