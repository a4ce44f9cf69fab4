using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Hosting;

/// <summary>
/// The pinned Azurite (npm, node_modules/azurite) as a child process with its own ports and data folder, or an
/// Azurite that already listens on the default ports. Disposing stops a process this class started and leaves an
/// existing one alone.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    /// <summary>The public, documented development account key of the Azure storage emulators (not a secret).</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    public const string DevelopmentAccountName = "devstoreaccount1";
    public static readonly (int Blob, int Queue, int Table) DefaultPorts = (10000, 10001, 10002);

    private readonly Process? _process;
    private readonly string? _dataFolder;

    private AzuriteServer(Process? process, string? dataFolder, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _dataFolder = dataFolder;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }

    /// <summary>The node process of an Azurite started here (tests stop it gracefully to simulate an outage), else null.</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>True when this instance started the process (and will stop it).</summary>
    public bool StartedHere => _process is not null;

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={DevelopmentAccountName};AccountKey={DevelopmentAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{DevelopmentAccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{DevelopmentAccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{DevelopmentAccountName};";

    /// <summary>Uses the Azurite on the default ports when all three listen; otherwise starts the pinned one there.</summary>
    /// <param name="dataFolder">Where a started Azurite keeps its data (kept after it stops); null = a temporary folder.</param>
    public static async Task<AzuriteServer> UseDefaultOrStartAsync(string? dataFolder = null, string? searchFrom = null,
        CancellationToken cancellationToken = default)
    {
        var (blob, queue, table) = DefaultPorts;
        if (Listening(blob) && Listening(queue) && Listening(table)) return new AzuriteServer(null, null, blob, queue, table);
        return await StartAsync(searchFrom, (blob, queue, table), dataFolder, cancellationToken: cancellationToken);
    }

    /// <summary>Starts the pinned Azurite on free ports (or the given ones) with a fresh data folder.</summary>
    public static async Task<AzuriteServer> StartAsync(string? searchFrom = null, (int Blob, int Queue, int Table)? ports = null,
        string? dataFolder = null, string? debugLog = null, CancellationToken cancellationToken = default)
    {
        string script = FindAzuriteScript(searchFrom ?? AppContext.BaseDirectory);
        var (blob, queue, table) = ports ?? (LoopbackPorts.Free(), LoopbackPorts.Free(), LoopbackPorts.Free());
        string data = dataFolder ?? Path.Combine(Path.GetTempPath(), "cloudxpcs-azurite-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(data);
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { script, "--silent", "--skipApiVersionCheck", "--loose", "--location", data,
                     "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(), "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(),
                     "--tableHost", "127.0.0.1", "--tablePort", table.ToString() })
            start.ArgumentList.Add(arg);
        if (debugLog is not null) { start.ArgumentList.Add("--debug"); start.ArgumentList.Add(debugLog); }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node for Azurite");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new AzuriteServer(process, dataFolder is null ? data : null, blob, queue, table);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (!(Listening(blob) && Listening(queue) && Listening(table)))
        {
            if (process.HasExited)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"Azurite ({script}) exited with code {process.ExitCode} before listening on ports {blob}/{queue}/{table}");
            }
            if (DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                throw new TimeoutException($"Azurite ({script}) did not listen on ports {blob}/{queue}/{table} within 120 s");
            }
            await Task.Delay(100, cancellationToken);
        }
        return server;
    }

    /// <summary>Stops the process (if started here) and waits for it; a temporary data folder is deleted.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        if (_dataFolder is not null)
        {
            try { Directory.Delete(_dataFolder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>node_modules/azurite/dist/src/azurite.js in the given folder or one above it (the repository root).</summary>
    public static string FindAzuriteScript(string from)
    {
        string? env = Environment.GetEnvironmentVariable("CLOUDXPCS_AZURITE");
        if (!string.IsNullOrEmpty(env) && File.Exists(env)) return env;
        foreach (string start in new[] { from, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "node_modules", "azurite", "dist", "src", "azurite.js");
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new FileNotFoundException(
            "node_modules/azurite not found above " + from + ": run scripts/setup.sh (npm ci) in the repository, or set CLOUDXPCS_AZURITE to azurite.js");
    }

    public static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
