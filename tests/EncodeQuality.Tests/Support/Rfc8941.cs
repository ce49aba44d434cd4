using System.Globalization;

namespace EncodeQuality.Tests.Support;

/// <summary>
/// A strict parser of RFC 8941 Dictionaries, written from the RFC's parsing algorithms (§4.2.2
/// Dictionary, §4.2.1.2 Inner List, §4.2.3 Item and Parameters, §4.2.4 to §4.2.8 the bare items),
/// independent of the serialiser under test. It throws on anything the RFC says to fail on.
/// </summary>
public static class Rfc8941
{
    public sealed record Member(object Value, IReadOnlyDictionary<string, object> Parameters);

    public sealed class ParseException(string message) : Exception(message);

    public static IReadOnlyDictionary<string, Member> ParseDictionary(string input)
    {
        // §4.2: leading and trailing spaces are discarded.
        var p = new Cursor(input.Trim(' '));
        var members = new Dictionary<string, Member>();
        var order = new List<string>();
        while (!p.End)
        {
            string key = p.Key();
            object value;
            IReadOnlyDictionary<string, object> parameters;
            if (p.Peek == '=')
            {
                p.Next();
                (value, parameters) = p.ItemOrInnerList();
            }
            else
            {
                value = true;
                parameters = p.Parameters();
            }
            // A later duplicate overrides the earlier one (§4.2.2), keeping its position.
            if (!members.ContainsKey(key)) order.Add(key);
            members[key] = new Member(value, parameters);
            p.SkipOws();
            if (p.End) break;
            p.Expect(',');
            p.SkipOws();
            if (p.End) throw new ParseException("a trailing comma");
        }
        return order.ToDictionary(k => k, k => members[k]);
    }

    private sealed class Cursor(string s)
    {
        private int _i;
        public bool End => _i >= s.Length;
        public char Peek => End ? '\0' : s[_i];
        public char Next() => End ? throw new ParseException("unexpected end") : s[_i++];
        public void Expect(char c)
        {
            if (Next() != c) throw new ParseException($"expected '{c}' at {_i - 1} in \"{s}\"");
        }
        public void SkipOws() { while (Peek is ' ' or '\t') _i++; }
        private void SkipSp() { while (Peek == ' ') _i++; }

        public string Key()
        {
            if (!(Peek is >= 'a' and <= 'z' or '*')) throw new ParseException($"a key must start with a lowercase letter or '*' at {_i} in \"{s}\"");
            int start = _i;
            while (Peek is >= 'a' and <= 'z' or >= '0' and <= '9' or '_' or '-' or '.' or '*') _i++;
            return s[start.._i];
        }

        public (object, IReadOnlyDictionary<string, object>) ItemOrInnerList()
        {
            if (Peek == '(')
            {
                Next();
                var list = new List<object>();
                while (true)
                {
                    SkipSp();
                    if (Peek == ')') { Next(); return (list, Parameters()); }
                    list.Add(BareItem());
                    Parameters();
                    if (Peek is not (' ' or ')')) throw new ParseException("inner list members are separated by spaces");
                }
            }
            return (BareItem(), Parameters());
        }

        public IReadOnlyDictionary<string, object> Parameters()
        {
            var parameters = new Dictionary<string, object>();
            while (Peek == ';')
            {
                Next();
                SkipSp();
                string key = Key();
                object value = true;
                if (Peek == '=') { Next(); value = BareItem(); }
                parameters[key] = value;
            }
            return parameters;
        }

        public object BareItem()
        {
            char c = Peek;
            if (c == '-' || char.IsAsciiDigit(c)) return Number();
            if (c == '"') return String();
            if (c == '*' || char.IsAsciiLetter(c)) return Token();
            if (c == ':') return Bytes();
            if (c == '?') return Boolean();
            throw new ParseException($"no bare item starts with '{c}' at {_i} in \"{s}\"");
        }

        private object Number()
        {
            int start = _i;
            if (Peek == '-') _i++;
            if (!char.IsAsciiDigit(Peek)) throw new ParseException("a number needs a digit");
            int dot = -1;
            while (char.IsAsciiDigit(Peek) || (Peek == '.' && dot < 0))
            {
                if (Peek == '.')
                {
                    dot = _i;
                    if (_i - start - (s[start] == '-' ? 1 : 0) > 12) throw new ParseException("a decimal has at most 12 integer digits");
                }
                _i++;
                if (dot < 0 && _i - start - (s[start] == '-' ? 1 : 0) > 15) throw new ParseException("an integer has at most 15 digits");
            }
            string text = s[start.._i];
            if (dot < 0) return long.Parse(text, CultureInfo.InvariantCulture);
            int fraction = _i - dot - 1;
            if (fraction == 0) throw new ParseException("a decimal ends with its dot");
            if (fraction > 3) throw new ParseException("a decimal has at most 3 fraction digits");
            return decimal.Parse(text, CultureInfo.InvariantCulture);
        }

        private string String()
        {
            Next();
            var b = new System.Text.StringBuilder();
            while (true)
            {
                char c = Next();
                if (c == '\\')
                {
                    char e = Next();
                    if (e is not ('"' or '\\')) throw new ParseException("only \\\" and \\\\ are escapes");
                    b.Append(e);
                }
                else if (c == '"') return b.ToString();
                else if (c is < ' ' or > '~') throw new ParseException("strings hold printable ASCII only");
                else b.Append(c);
            }
        }

        private string Token()
        {
            int start = _i;
            _i++;
            while (!End && (char.IsAsciiLetterOrDigit(Peek) || "!#$%&'*+-.^_`|~:/".Contains(Peek))) _i++;
            return s[start.._i];
        }

        private byte[] Bytes()
        {
            Next();
            int start = _i;
            while (Peek != ':') Next();
            string b64 = s[start.._i];
            Next();
            return Convert.FromBase64String(b64);
        }

        private bool Boolean()
        {
            Next();
            return Next() switch { '1' => true, '0' => false, _ => throw new ParseException("a boolean is ?0 or ?1") };
        }
    }
}
