using System.Text.Json;

namespace EncodeQuality.Downstream.Mqa;

/// <summary>
/// The dictionary key each MQA field is written under. SVTA2128's exact key names are not public
/// here, so the defaults are assumed: the namespace org.svta.mqa as a CTA-5006 custom-key prefix
/// (a reverse-domain name, a hyphen, the field). A keys file (JSON, field to key; null leaves the
/// field out) replaces any of them.
/// </summary>
public sealed class MqaKeys
{
    /// <summary>Our field names and their default keys, in the order they are written.</summary>
    public static readonly IReadOnlyList<(string Field, string Key)> Defaults =
    [
        ("segment", "org.svta.mqa-seg"),
        ("mqa_video", "org.svta.mqa-video"),
        ("vmaf", "org.svta.mqa-vmaf"),
        ("vmaf_min", "org.svta.mqa-vmaf-min"),
        ("vmaf_p5", "org.svta.mqa-vmaf-p5"),
        ("psnr", "org.svta.mqa-psnr"),
        ("ssim", "org.svta.mqa-ssim"),
        ("ms_ssim", "org.svta.mqa-ms-ssim"),
        ("cambi", "org.svta.mqa-cambi"),
        ("errors", "org.svta.mqa-errors"),
    ];

    private readonly Dictionary<string, string?> _keys;

    private MqaKeys(Dictionary<string, string?> keys) => _keys = keys;

    public static MqaKeys Default { get; } = new(Defaults.ToDictionary(d => d.Field, d => (string?)d.Key));

    /// <summary>The key of a field, or null when the field is left out.</summary>
    public string? this[string field] => _keys[field];

    public static MqaKeys Load(string path)
    {
        if (!File.Exists(path)) throw new InputException($"--mqa-keys {path}: no such file");
        var keys = Defaults.ToDictionary(d => d.Field, d => (string?)d.Key);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InputException($"--mqa-keys {path}: a JSON object of field to key");
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (!keys.ContainsKey(p.Name))
                    throw new InputException($"--mqa-keys {path}: unknown field {p.Name} (fields: {string.Join(", ", Defaults.Select(d => d.Field))})");
                string? key = p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.GetString();
                if (key is not null && !StructuredFieldDictionary.IsKey(key))
                    throw new InputException($"--mqa-keys {path}: {p.Name}: \"{key}\" is not a structured-field key (lowercase letters, digits, _ - . *; a letter or * first)");
                keys[p.Name] = key;
            }
        }
        catch (JsonException e) { throw new InputException($"--mqa-keys {path}: not JSON ({e.Message})"); }
        catch (InvalidOperationException) { throw new InputException($"--mqa-keys {path}: every key is a string or null"); }
        var twice = keys.Values.Where(k => k is not null).GroupBy(k => k).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new InputException($"--mqa-keys {path}: key {twice.Key} is used for two fields");
        return new MqaKeys(keys);
    }
}
