using System.Globalization;
using System.Text;

namespace EncodeQuality.Downstream.Mqa;

/// <summary>
/// Serialises an RFC 8941 Dictionary (§4.1.2) of bare items: keys checked against §3.1.2, decimals
/// rounded to three fraction digits (§4.1.5, half to even), integers of at most 15 digits (§4.1.4),
/// strings of printable ASCII with \ and " escaped (§4.1.6), tokens (§4.1.7) and booleans (§4.1.9:
/// a true member is written as its key alone).
/// </summary>
public sealed class StructuredFieldDictionary
{
    private readonly List<(string Key, string Value)> _members = [];

    public int Count => _members.Count;

    /// <summary>A key as §3.1.2 allows: a lowercase letter or "*" first, then lowercase letters, digits, "_", "-", "." and "*".</summary>
    public static bool IsKey(string key) =>
        key.Length > 0 && (key[0] is >= 'a' and <= 'z' or '*')
        && key.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_' or '-' or '.' or '*');

    private StructuredFieldDictionary Add(string key, string value)
    {
        if (!IsKey(key)) throw new ArgumentException($"\"{key}\" is not a structured-field key (RFC 8941 §3.1.2)");
        if (_members.Any(m => m.Key == key)) throw new ArgumentException($"key {key} is given twice");
        _members.Add((key, value));
        return this;
    }

    public StructuredFieldDictionary Decimal(string key, double value)
    {
        // RFC 8941 §3.3.2: at most 12 integer digits; a larger value (or NaN) is not a Decimal at all.
        if (!(Math.Abs(value) < 1e12)) throw new InputException($"{key}: {value} does not fit a structured-field Decimal (at most 12 integer digits)");
        decimal rounded = Math.Round((decimal)value, 3, MidpointRounding.ToEven);
        if (Math.Abs(rounded) >= 1_000_000_000_000m) throw new ArgumentException($"{key}: {value} has more than 12 integer digits");
        string text = rounded.ToString("0.0##", CultureInfo.InvariantCulture);
        return Add(key, text);
    }

    public StructuredFieldDictionary Integer(string key, long value)
    {
        if (Math.Abs(value) > 999_999_999_999_999) throw new ArgumentException($"{key}: {value} has more than 15 digits");
        return Add(key, value.ToString(CultureInfo.InvariantCulture));
    }

    public StructuredFieldDictionary String(string key, string value)
    {
        var s = new StringBuilder("\"");
        foreach (char c in value)
        {
            if (c is < ' ' or > '~') throw new ArgumentException($"{key}: strings hold printable ASCII only");
            if (c is '\\' or '"') s.Append('\\');
            s.Append(c);
        }
        return Add(key, s.Append('"').ToString());
    }

    public StructuredFieldDictionary Token(string key, string value)
    {
        bool ok = value.Length > 0 && (char.IsAsciiLetter(value[0]) || value[0] == '*')
            && value.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~:/".Contains(c));
        if (!ok) throw new ArgumentException($"{key}: \"{value}\" is not a token (RFC 8941 §3.3.4)");
        return Add(key, value);
    }

    public StructuredFieldDictionary Boolean(string key, bool value) => Add(key, value ? "" : "=?0");

    /// <summary>The members in order, joined by ", " (§4.1.2).</summary>
    public override string ToString() =>
        string.Join(", ", _members.Select(m => m.Value.Length == 0 || m.Value.StartsWith('=') ? m.Key + m.Value : $"{m.Key}={m.Value}"));
}
