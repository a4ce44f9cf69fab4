using System.Text;
using Azure.Storage.Blobs.Models;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Functions.Configuration;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Functions.Tests.Support;

/// <summary>A fixed clock for run ids.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>
/// What the function classes get from DI in the app, on Azurite with containers and tables of their own: storage built
/// from the CLOUDXPCS_STORAGE setting (a connection string with the emulator's AccountKey), a logger factory that
/// captures every message unredacted, a fake Durable client and a fixed clock.
/// </summary>
public sealed class FunctionsTestApp
{
    public static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private FunctionsTestApp(PipelineStorage storage, string connectionString)
    {
        Storage = storage;
        ConnectionString = connectionString;
        Loggers = LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
    }

    public PipelineStorage Storage { get; }
    public string ConnectionString { get; }
    public CapturingLoggerProvider Logs { get; } = new();
    public ILoggerFactory Loggers { get; }
    public FakeDurableTaskClient Client { get; } = new();
    public TimeProvider Clock { get; } = new FixedClock(Now);

    public static async Task<FunctionsTestApp> CreateAsync(AzuriteFixture azurite)
    {
        string unique = AzuriteFixture.UniqueName("f");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [PipelineStorageOptions.ConnectionSetting] = azurite.ConnectionString })
            .Build();
        var storage = AzureConnections.CreateStorage(configuration,
            new PipelineStorageOptions { RawContainer = "raw" + unique, ResultsContainer = "results" + unique, NamePrefix = unique });
        await storage.CreateIfNotExistsAsync();
        return new FunctionsTestApp(storage, azurite.ConnectionString);
    }

    public Task UploadRawAsync(string name, string text) => BlobTransfer.UploadTextAsync(Storage.Raw, name, text);

    public async Task UploadRawBytesAsync(string name, byte[] bytes) =>
        await Storage.Raw.GetBlobClient(name).UploadAsync(new BinaryData(bytes), new BlobUploadOptions());

    public Task UploadBeamtimeManifestAsync(string beamtime) => UploadRawAsync($"{beamtime}/{BeamtimeManifest.FileName}", new BeamtimeManifest
    {
        Beamtime = beamtime,
        Cell = new BeamtimeCell(3.0, 0.3, 90, 0.1, 1.87),
        StrippingElectrodeSide = -1,
        TransportSets = ["PNB", "RS"],
    }.ToJson());

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Every captured message must be free of the storage account key and of the function key used in URLs.</summary>
    public void AssertNoSecretsLogged(params string[] secrets)
    {
        foreach (string message in Logs.Messages)
        {
            Assert.DoesNotContain(Pipeline.Hosting.AzuriteServer.DevelopmentAccountKey, message);
            Assert.DoesNotContain("AccountKey=", message);
            Assert.DoesNotContain(ConnectionString, message);
            foreach (string secret in secrets) Assert.DoesNotContain(secret, message);
        }
    }
}
