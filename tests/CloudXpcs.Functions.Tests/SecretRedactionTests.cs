using CloudXpcs.Functions.Logging;
using CloudXpcs.Functions.Tests.Support;
using CloudXpcs.Pipeline.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudXpcs.Functions.Tests;

public sealed class SecretRedactionTests
{
    private const string AzuriteConnection =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AzuriteServer.DevelopmentAccountKey +
        ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";

    [Theory]
    [InlineData(AzuriteConnection,
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=***;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;")]
    [InlineData("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=" + "abc+def/ghi=",
        "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=***")]
    [InlineData("BlobEndpoint=https://a.blob.core.windows.net/;SharedAccessSignature=" + "sv=2024-01-01&ss=b&sig=AbC%2Bd%3D",
        "BlobEndpoint=https://a.blob.core.windows.net/;SharedAccessSignature=***")]
    [InlineData("GET https://a.blob.core.windows.net/raw/x?sv=2024-01-01&se=2026&sig=" + "AbC%2Bd%3D&sp=r failed",
        "GET https://a.blob.core.windows.net/raw/x?sv=2024-01-01&se=2026&sig=***&sp=r failed")]
    [InlineData("POST https://app.azurewebsites.net/api/beamtimes/b/runs?code=s3cr3t-key==", "POST https://app.azurewebsites.net/api/beamtimes/b/runs?code=***")]
    [InlineData("Server=db;User Id=u;Password=hunter2;", "Server=db;User Id=u;Password=***;")]
    [InlineData("series b/s1 complete: analysis a123 started", "series b/s1 complete: analysis a123 started")]
    [InlineData("", "")]
    public void SecretsAreMaskedAndTheRestIsKept(string text, string expected) => Assert.Equal(expected, SecretRedactor.Redact(text));

    [Fact]
    public void LoggerProviderWrapperRedactsMessagesAndExceptions()
    {
        var captured = new CapturingLoggerProvider();
        using var provider = new RedactingLoggerProvider(captured);
        var logger = provider.CreateLogger("test");
        logger.LogInformation("connecting with {Connection}", AzuriteConnection);
        logger.LogError(new InvalidOperationException("bad setting " + AzuriteConnection), "startup failed");
        Assert.Equal(2, captured.Messages.Count);
        Assert.All(captured.Messages, m => Assert.DoesNotContain(AzuriteServer.DevelopmentAccountKey, m));
        Assert.Contains("AccountKey=***", captured.Messages[0]);
        Assert.Contains("startup failed", captured.Messages[1]);
        Assert.Contains("InvalidOperationException: bad setting", captured.Messages[1]);
    }

    [Fact]
    public void WrapAllPutsEveryRegisteredProviderBehindTheRedactor()
    {
        var captured = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ILoggerProvider>(captured);
        RedactingLoggerProvider.WrapAll(services);
        using var built = services.BuildServiceProvider();
        built.GetRequiredService<ILogger<SecretRedactionTests>>().LogWarning("sas url https://a/b?sig=" + "topsecret&sp=r");
        Assert.Equal(["Warning " + typeof(SecretRedactionTests).FullName + ": sas url https://a/b?sig=***&sp=r"], captured.Messages);
    }
}
