using System.Net;
using System.Net.Sockets;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Hosting;

/// <summary>Ports on 127.0.0.1 for the processes the local host starts (sidecar, Azurite).</summary>
internal static class LoopbackPorts
{
    /// <summary>A port that was free a moment ago (the OS picks it).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
