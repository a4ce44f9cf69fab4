using System.Text.RegularExpressions;

namespace CloudXpcs.Functions.Logging;

/// <summary>
/// Removes credentials from text before it is logged: account and shared-access keys of connection strings, SAS
/// signatures and tokens, passwords, and function keys in query strings, also as JSON properties, URL-encoded, as
/// Bearer/Basic credentials and as x-functions-key headers. The key names stay so the log still says what
/// was there.
/// </summary>
public static partial class SecretRedactor
{
    public const string Mask = "***";

    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        string redacted = RedactOtherForms(text);
        redacted = ConnectionStringSecret().Replace(redacted, m => m.Groups["key"].Value + "=" + Mask);
        return QuerySecret().Replace(redacted, m => m.Groups["lead"].Value + m.Groups["key"].Value + "=" + Mask);
    }

    /// <summary>Key=value pairs of connection strings (value up to the next ';', quote or whitespace).</summary>
    [GeneratedRegex(@"(?<key>AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd|ClientSecret)\s*=\s*[^;""'\s]+",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ConnectionStringSecret();

    /// <summary>SAS signature and function key parameters of URLs (value up to the next '&amp;', quote or whitespace).</summary>
    [GeneratedRegex(@"(?<lead>[?&;\s""']|^)(?<key>sig|code|x-functions-key)=[^&;""'\s]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex QuerySecret();
}
