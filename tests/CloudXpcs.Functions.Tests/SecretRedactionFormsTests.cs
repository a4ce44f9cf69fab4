using CloudXpcs.Functions.Logging;
using CloudXpcs.Pipeline.Hosting;

namespace CloudXpcs.Functions.Tests;

/// <summary>One case per form a secret was seen to slip through in: JSON, URL-encoded, Bearer tokens, headers.</summary>
public sealed class SecretRedactionFormsTests
{
    [Theory]
    [InlineData("{\"AccountName\":\"devstoreaccount1\",\"AccountKey\":\"KEYVALUE+/=\"}", "KEYVALUE", "\"AccountKey\":\"***\"")]
    [InlineData("settings: { \"accountKey\" : \"KEYVALUE==\", \"x\": 1 }", "KEYVALUE", "\"accountKey\" : \"***\"")]
    [InlineData("{\\\"AccountKey\\\":\\\"KEYVALUE\\\"}", "KEYVALUE", "***")]
    [InlineData("redirect=https%3A%2F%2Fa.blob.core.windows.net%2Fraw%3Fsv%3D2024%26sig%3DKEYVALUE%252B%26sp%3Dr", "KEYVALUE", "sig%3D***%26sp%3Dr")]
    [InlineData("GET /api/runs%3Fcode%3DKEYVALUE%3D%3D", "KEYVALUE", "code%3D***")]
    [InlineData("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.KEYVALUE.sig-part_x", "KEYVALUE", "Authorization: Bearer ***")]
    [InlineData("headers: x-functions-key: KEYVALUE==, accept: json", "KEYVALUE", "x-functions-key: ***")]
    [InlineData("{\"x-functions-key\":\"KEYVALUE\"}", "KEYVALUE", "\"x-functions-key\":\"***\"")]
    public void EachFormIsMasked(string text, string secret, string expected)
    {
        string redacted = SecretRedactor.Redact(text);
        Assert.DoesNotContain(secret, redacted);
        Assert.Contains(expected, redacted);
    }

    [Fact]
    public void TheDevelopmentKeyInJsonIsMasked() =>
        Assert.DoesNotContain(AzuriteServer.DevelopmentAccountKey, SecretRedactor.Redact($"{{\"AccountKey\": \"{AzuriteServer.DevelopmentAccountKey}\"}}"));

    [Theory]
    [InlineData("the bearer of bad news")]
    [InlineData("{\"series\":\"s1\",\"code\":404}")]
    public void OrdinaryTextIsKept(string text) => Assert.Equal(text, SecretRedactor.Redact(text));
}
