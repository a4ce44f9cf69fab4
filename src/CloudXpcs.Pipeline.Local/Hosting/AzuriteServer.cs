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
    private int _servicesClosed;

    private AzuriteServer(Process? process, string? dataFolder, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _dataFolder = dataFolder;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

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
        string? dataFolder = null, string? debugLog = null, CancellationToken cancellationToken = default, string? consoleLog = null)
    {
        string script = FindAzuriteScript(searchFrom ?? AppContext.BaseDirectory);
        var (blob, queue, table) = ports ?? (LoopbackPorts.Free(), LoopbackPorts.Free(), LoopbackPorts.Free());
        string data = dataFolder ?? Path.Combine(Path.GetTempPath(), "cloudxpcs-azurite-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(data);
        // With a console log the output goes to that file, not to pipes of this process: the emulator may outlive it
        // (other processes share it) and must not die writing to a closed pipe when it is stopped later.
        var start = new ProcessStartInfo(consoleLog is null ? "node" : "/bin/sh") { UseShellExecute = false };
        if (consoleLog is null) start.RedirectStandardOutput = start.RedirectStandardError = true;
        else
        {
            start.Environment["CLOUDXPCS_AZURITE_LOG"] = consoleLog;
            foreach (string arg in new[] { "-c", "exec node \"$@\" >>\"$CLOUDXPCS_AZURITE_LOG\" 2>&1", "sh" }) start.ArgumentList.Add(arg);
        }
        foreach (string arg in new[] { script, "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--location", data,
                     "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(), "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(),
                     "--tableHost", "127.0.0.1", "--tablePort", table.ToString() })
            start.ArgumentList.Add(arg);
        if (debugLog is not null) { start.ArgumentList.Add("--debug"); start.ArgumentList.Add(debugLog); }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node for Azurite");
        var server = new AzuriteServer(process, dataFolder is null ? data : null, blob, queue, table);
        if (consoleLog is null)
        {
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data?.EndsWith(ServiceClosedMessage, StringComparison.Ordinal) == true) Interlocked.Increment(ref server._servicesClosed);
            };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }
        // Node loads the saved databases before it listens; on a machine busy with other work that took over 2 min.
        var deadline = DateTime.UtcNow + StartTimeout;
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
                throw new TimeoutException($"Azurite ({script}) did not listen on ports {blob}/{queue}/{table} within {StartTimeout.TotalSeconds:0} s");
            }
            await Task.Delay(100, cancellationToken);
        }
        return server;
    }

    /// <summary>Stops the process (if started here) gracefully and waits for it; a temporary data folder is deleted.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited) await StopGracefullyAsync(_process, () => Volatile.Read(ref _servicesClosed) >= 3);
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        if (_dataFolder is not null)
        {
            try { Directory.Delete(_dataFolder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private const string ServiceClosedMessage = "service successfully closed";

    /// <summary>
    /// Stops an Azurite process so that everything it acknowledged is on disk: SIGTERM makes it close its three services,
    /// each saving its database ("... service successfully closed"); the process is killed only if it has not exited
    /// (or, with clients still connected, not closed all three) within the grace period.
    /// </summary>
    public static async Task StopGracefullyAsync(Process process, Func<bool> allServicesClosed, TimeSpan? grace = null)
    {
        if (process.HasExited) return;
        if (OperatingSystem.IsWindows() || SignalTerminate(process.Id) != 0)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return;
        }
        var deadline = DateTime.UtcNow + (grace ?? TimeSpan.FromSeconds(30));
        bool closedAt = false;
        while (!process.HasExited && DateTime.UtcNow < deadline)
        {
            if (allServicesClosed())
            {
                // Saved; give node a moment to exit by itself, then end it (open client connections keep it alive).
                if (closedAt) break;
                closedAt = true;
                deadline = DateTime.UtcNow + TimeSpan.FromSeconds(1);
            }
            await Task.Delay(50);
        }
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    /// <summary>Stops an Azurite started by another process with <c>consoleLog</c> (its pid and log file are known).</summary>
    public static async Task StopGracefullyAsync(int processId, string consoleLog, TimeSpan? grace = null)
    {
        Process process;
        try { process = Process.GetProcessById(processId); }
        catch (ArgumentException) { return; }
        using (process)
        {
            long offset = File.Exists(consoleLog) ? new FileInfo(consoleLog).Length : 0;
            await StopGracefullyAsync(process, () => ClosedServicesSince(consoleLog, offset) >= 3, grace);
        }
    }

    private static int ClosedServicesSince(string log, long offset)
    {
        try
        {
            using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
            string text = new StreamReader(stream).ReadToEnd();
            int count = 0;
            for (int i = text.IndexOf(ServiceClosedMessage, StringComparison.Ordinal); i >= 0;
                 i = text.IndexOf(ServiceClosedMessage, i + 1, StringComparison.Ordinal))
                count++;
            return count;
        }
        catch (IOException) { return 0; }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static int SignalTerminate(int pid) => Kill(pid, 15);

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
