using System.Text.RegularExpressions;

namespace CloudXpcs.Functions.Logging;

/// <summary>The forms a secret takes outside connection strings and plain query strings.</summary>
public static partial class SecretRedactor
{
    private static string RedactOtherForms(string text)
    {
        text = JsonSecret().Replace(text, m => m.Groups["lead"].Value + Mask + "\"");
        text = EncodedQuerySecret().Replace(text, m => m.Groups["lead"].Value + Mask);
        text = BearerToken().Replace(text, m => m.Groups["lead"].Value + Mask);
        return HeaderSecret().Replace(text, m => m.Groups["lead"].Value + Mask);
    }

    /// <summary>"AccountKey": "…" and friends as JSON (or JSON-escaped) properties.</summary>
    [GeneratedRegex(@"(?<lead>\\?""(?:AccountKey|SharedAccessKey|SharedAccessSignature|Password|ClientSecret|sig|code|x-functions-key|access_token|refresh_token|client_secret)\\?""\s*:\s*\\?"")[^""\\]*(?:\\.[^""\\]*)*?\\?""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex JsonSecret();

    /// <summary>sig=, code= and x-functions-key= once URL-encoded (sig%3D…, %26code%3D…), up to the next encoded or plain separator.</summary>
    [GeneratedRegex(@"(?<lead>(?:%3F|%26|%3B|[?&;\s""'=]|^)(?:sig|code|x-functions-key|AccountKey|SharedAccessSignature)%3D)(?:(?!%26|%3B)[^&;""'\s])+",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EncodedQuerySecret();

    /// <summary>Bearer (and Basic, SharedAccessSignature) credentials of an Authorization header or value.</summary>
    [GeneratedRegex(@"(?<lead>\b(?:Bearer|Basic|bearer)\s+)[A-Za-z0-9\-._~+/]{8,}=*", RegexOptions.CultureInvariant)]
    private static partial Regex BearerToken();

    /// <summary>Secret headers written as "name: value".</summary>
    [GeneratedRegex(@"(?<lead>\b(?:x-functions-key|x-ms-access-key|Ocp-Apim-Subscription-Key)\s*:\s*)[^\s,;""']+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HeaderSecret();
}
