using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using CloudXpcs.Data;
using CloudXpcs.Pipeline.Hosting;

namespace CloudXpcs.Cli.Commands.Cloud;

/// <summary>
/// The local store of the storage commands: one data folder (per user by default) served by one Azurite on free
/// ports, shared by every cloudxpcs process that uses the folder at the same time. The folder records the emulator
/// (<c>cloudxpcs-store.json</c>: process, ports, console log) and its users (<c>cloudxpcs-clients/{pid}.json</c>);
/// the first user starts it, the last one stops it gracefully (everything acknowledged is saved). Each user holds a
/// slot, whose number names its durable task hub, so concurrent processes never compete for one hub's work.
/// </summary>
public sealed class LocalStore : IAsyncDisposable
{
    private const string RecordFile = "cloudxpcs-store.json";
    private const string ClientsFolder = "cloudxpcs-clients";
    private const string LockFile = "cloudxpcs-store.lock";
    private const string ConsoleLogFile = "azurite-console.log";
    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(3);

    private readonly string _clientFile;
    private bool _closed;

    private LocalStore(string folder, EmulatorRecord emulator, int slot, bool started, int otherClients)
    {
        Folder = folder;
        Emulator = emulator;
        Slot = slot;
        StartedHere = started;
        OtherClients = otherClients;
        _clientFile = Path.Combine(folder, ClientsFolder, Environment.ProcessId + ".json");
    }

    public string Folder { get; }
    public EmulatorRecord Emulator { get; }
    /// <summary>0 for the first concurrent user, 1 for the second, ...</summary>
    public int Slot { get; }
    public bool StartedHere { get; }
    /// <summary>Other processes using the store when this one joined.</summary>
    public int OtherClients { get; }

    /// <summary>The durable task hub of this slot: cloudxpcs, cloudxpcs1, cloudxpcs2, ...</summary>
    public string TaskHub => Slot == 0 ? "cloudxpcs" : "cloudxpcs" + Slot;

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.DevelopmentAccountName};AccountKey={AzuriteServer.DevelopmentAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{Emulator.BlobPort}/{AzuriteServer.DevelopmentAccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{Emulator.QueuePort}/{AzuriteServer.DevelopmentAccountName};" +
        $"TableEndpoint=http://127.0.0.1:{Emulator.TablePort}/{AzuriteServer.DevelopmentAccountName};";

    /// <summary>Joins the store in <paramref name="folder"/>, starting its Azurite when none of its users runs one.</summary>
    public static async Task<LocalStore> OpenAsync(string folder, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.Combine(folder, ClientsFolder));
        using var exclusive = await LockAsync(folder, cancellationToken);
        var others = LiveClients(folder);
        var emulator = ReadRecord(folder);
        bool started = false;
        if (emulator is null || !emulator.IsRunning())
        {
            // Recorded but not serving (hung or half-stopped): end it before another emulator opens the same files.
            if (emulator is not null && IsAlive(emulator.ProcessId, emulator.StartedUtc))
                await AzuriteServer.StopGracefullyAsync(emulator.ProcessId, Path.Combine(folder, ConsoleLogFile), TimeSpan.FromSeconds(10));
            var server = await AzuriteServer.StartAsync(dataFolder: folder, consoleLog: Path.Combine(folder, ConsoleLogFile),
                cancellationToken: cancellationToken);
            using var node = Process.GetProcessById(server.ProcessId!.Value);
            emulator = new EmulatorRecord(node.Id, node.StartTime.ToUniversalTime(), server.BlobPort, server.QueuePort, server.TablePort);
            await WriteAtomicallyAsync(Path.Combine(folder, RecordFile), JsonSerializer.Serialize(emulator), cancellationToken);
            started = true;
        }
        int slot = 0;
        while (others.Any(c => c.Slot == slot)) slot++;
        var store = new LocalStore(folder, emulator, slot, started, others.Count);
        await WriteAtomicallyAsync(store._clientFile, JsonSerializer.Serialize(new ClientRecord(Environment.ProcessId, CurrentStartUtc(), slot)),
            cancellationToken);
        return store;
    }

    /// <summary>Leaves the store; the last user stops the emulator and waits until it has saved its data.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_closed) return;
        _closed = true;
        using var exclusive = await LockAsync(Folder, CancellationToken.None);
        File.Delete(_clientFile);
        if (LiveClients(Folder).Count > 0) return;
        if (ReadRecord(Folder) is { } emulator && emulator.IsRunning())
            await AzuriteServer.StopGracefullyAsync(emulator.ProcessId, Path.Combine(Folder, ConsoleLogFile));
        File.Delete(Path.Combine(Folder, RecordFile));
    }

    /// <summary>The other live users; files of processes that ended without leaving are removed.</summary>
    private static List<ClientRecord> LiveClients(string folder)
    {
        var live = new List<ClientRecord>();
        foreach (string file in Directory.GetFiles(Path.Combine(folder, ClientsFolder), "*.json"))
        {
            ClientRecord? client = null;
            try { client = JsonSerializer.Deserialize<ClientRecord>(File.ReadAllText(file)); }
            catch (JsonException) { }
            if (client is null || client.ProcessId == Environment.ProcessId || !IsAlive(client.ProcessId, client.StartedUtc))
            {
                if (client?.ProcessId != Environment.ProcessId) File.Delete(file);
                continue;
            }
            live.Add(client);
        }
        return live;
    }

    private static EmulatorRecord? ReadRecord(string folder)
    {
        try { return JsonSerializer.Deserialize<EmulatorRecord>(File.ReadAllText(Path.Combine(folder, RecordFile))); }
        catch (Exception e) when (e is IOException or JsonException) { return null; }
    }

    private static async Task<FileStream> LockAsync(string folder, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                return new FileStream(Path.Combine(folder, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (IOException e)
            {
                throw new InvalidOperationException(
                    $"{Path.Combine(folder, LockFile)}: held by another cloudxpcs process for {LockWait.TotalMinutes:0} min ({e.Message}; " +
                    "if no cloudxpcs runs, delete the file)");
            }
        }
    }

    private static Task WriteAtomicallyAsync(string path, string text, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(path, temporary => File.WriteAllTextAsync(temporary, text, cancellationToken));

    private static DateTime CurrentStartUtc()
    {
        using var self = Process.GetCurrentProcess();
        return self.StartTime.ToUniversalTime();
    }

    /// <summary>The process lives and is the one recorded (not a later process that reuses its id).</summary>
    internal static bool IsAlive(int processId, DateTime startedUtc)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited && Math.Abs((process.StartTime.ToUniversalTime() - startedUtc).TotalSeconds) < 2;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private sealed record ClientRecord(
        [property: JsonPropertyName("pid")] int ProcessId,
        [property: JsonPropertyName("started_utc")] DateTime StartedUtc,
        [property: JsonPropertyName("slot")] int Slot);
}

/// <summary>The store's Azurite: its node process and ports.</summary>
public sealed record EmulatorRecord(
    [property: JsonPropertyName("pid")] int ProcessId,
    [property: JsonPropertyName("started_utc")] DateTime StartedUtc,
    [property: JsonPropertyName("blob_port")] int BlobPort,
    [property: JsonPropertyName("queue_port")] int QueuePort,
    [property: JsonPropertyName("table_port")] int TablePort)
{
    public bool IsRunning() => LocalStore.IsAlive(ProcessId, StartedUtc)
                               && AzuriteServer.Listening(BlobPort) && AzuriteServer.Listening(QueuePort) && AzuriteServer.Listening(TablePort);
}
