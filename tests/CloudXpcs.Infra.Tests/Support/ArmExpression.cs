using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace CloudXpcs.Infra.Tests.Support;

/// <summary>
/// Evaluates the small part of the ARM template expression language that decides names and filters in the
/// compiled templates: string/number literals, parameters(), variables(), format(), createArray(), length(),
/// copyIndex(), concat(), indexing and property access. Anything else (reference(), resourceId(),
/// uniqueString(), ...) evaluates to <see cref="Unknown"/>, which format() renders as <see cref="Unknown"/> too,
/// so tests can still assert on the parts that are fixed at compile time.
/// </summary>
public sealed class ArmExpression
{
    public const string Unknown = "\u27e8runtime\u27e9";

    private readonly string text;
    private readonly Func<string, JsonNode?> parameter;
    private readonly Func<string, JsonNode?> variable;
    private readonly int? copyIndex;
    private int position;

    private ArmExpression(string text, Func<string, JsonNode?> parameter, Func<string, JsonNode?> variable, int? copyIndex)
    {
        this.text = text;
        this.parameter = parameter;
        this.variable = variable;
        this.copyIndex = copyIndex;
    }

    /// <summary>A template string value: "[expr]" is evaluated, "[[..." is a literal starting with '[', else literal.</summary>
    public static JsonNode? EvaluateString(string value, Func<string, JsonNode?> parameter, Func<string, JsonNode?> variable, int? copyIndex)
    {
        if (value.StartsWith("[[", StringComparison.Ordinal)) return JsonValue.Create(value[1..]);
        if (!(value.StartsWith('[') && value.EndsWith(']'))) return JsonValue.Create(value);
        var parser = new ArmExpression(value[1..^1], parameter, variable, copyIndex);
        JsonNode? result = parser.ParseExpression();
        parser.SkipSpace();
        if (parser.position != parser.text.Length) throw new FormatException($"unparsed rest of expression: {value}");
        return result;
    }

    private JsonNode? ParseExpression()
    {
        JsonNode? value = ParsePrimary();
        while (true)
        {
            SkipSpace();
            if (Peek('['))
            {
                position++;
                JsonNode? index = ParseExpression();
                Expect(']');
                value = Index(value, index);
            }
            else if (Peek('.'))
            {
                position++;
                value = Property(value, ReadIdentifier());
            }
            else return value;
        }
    }

    private JsonNode? ParsePrimary()
    {
        SkipSpace();
        if (Peek('\'')) return JsonValue.Create(ReadString());
        if (char.IsDigit(text[position]) || Peek('-'))
        {
            int start = position++;
            while (position < text.Length && char.IsDigit(text[position])) position++;
            return JsonValue.Create(long.Parse(text[start..position], CultureInfo.InvariantCulture));
        }
        string name = ReadIdentifier();
        Expect('(');
        var arguments = new List<JsonNode?>();
        SkipSpace();
        if (!Peek(')'))
        {
            do arguments.Add(ParseExpression());
            while (TryConsume(','));
        }
        Expect(')');
        return Call(name, arguments);
    }

    private JsonNode? Call(string name, List<JsonNode?> arguments) => name.ToLowerInvariant() switch
    {
        "parameters" => Copy(parameter(AsString(arguments[0]))),
        "variables" => Copy(variable(AsString(arguments[0]))),
        "createarray" => new JsonArray(arguments.Select(Copy).ToArray()),
        "copyindex" => copyIndex is int i ? JsonValue.Create(i + (arguments.Count > 0 && arguments[0] is JsonValue v && v.TryGetValue(out long offset) ? (int)offset : 0)) : JsonValue.Create(Unknown),
        "length" => arguments[0] switch
        {
            JsonArray array => JsonValue.Create(array.Count),
            JsonValue s when s.TryGetValue(out string? str) && str != Unknown => JsonValue.Create(str.Length),
            _ => JsonValue.Create(Unknown),
        },
        "format" => JsonValue.Create(string.Format(CultureInfo.InvariantCulture, AsString(arguments[0]),
            arguments.Skip(1).Select(a => (object)AsString(a)).ToArray())),
        "concat" => JsonValue.Create(string.Concat(arguments.Select(AsString))),
        "subscriptionresourceid" => JsonValue.Create($"/subscriptions/{Unknown}/providers/{AsString(arguments[0])}/"
            + string.Join('/', arguments.Skip(1).Select(AsString))),
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        _ => JsonValue.Create(Unknown),
    };

    private static JsonNode? Index(JsonNode? value, JsonNode? index) => (value, index) switch
    {
        (JsonArray array, JsonValue i) when i.TryGetValue(out int n) => Copy(array[n]),
        (JsonArray array, JsonValue i) when i.TryGetValue(out long n) => Copy(array[(int)n]),
        (JsonObject obj, JsonValue key) when key.TryGetValue(out string? k) && obj.ContainsKey(k) => Copy(obj[k]),
        _ => JsonValue.Create(Unknown),
    };

    private static JsonNode? Property(JsonNode? value, string name) =>
        value is JsonObject obj && obj.ContainsKey(name) ? Copy(obj[name]) : JsonValue.Create(Unknown);

    private static JsonNode? Copy(JsonNode? node) => node?.DeepClone();

    private static string AsString(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonValue v => v.ToJsonString(),
        _ => Unknown,
    };

    private string ReadString()
    {
        var builder = new StringBuilder();
        position++;
        while (true)
        {
            char c = text[position++];
            if (c == '\'')
            {
                if (position < text.Length && text[position] == '\'') { builder.Append('\''); position++; }
                else return builder.ToString();
            }
            else builder.Append(c);
        }
    }

    private string ReadIdentifier()
    {
        SkipSpace();
        int start = position;
        while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] is '_' or '$')) position++;
        if (start == position) throw new FormatException($"identifier expected at {position} in '{text}'");
        return text[start..position];
    }

    private void SkipSpace()
    {
        while (position < text.Length && char.IsWhiteSpace(text[position])) position++;
    }

    private bool Peek(char c) => position < text.Length && text[position] == c;

    private bool TryConsume(char c)
    {
        SkipSpace();
        if (!Peek(c)) return false;
        position++;
        return true;
    }

    private void Expect(char c)
    {
        if (!TryConsume(c)) throw new FormatException($"'{c}' expected at {position} in '{text}'");
    }
}
