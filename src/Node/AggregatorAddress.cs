using System.Net;
using System.Net.Sockets;
using Chorus.Hosting;
using Chorus.Messages;

namespace Chorus.Node;

/// <summary>Where the aggregator's ingest actor lives, and which local address faces it.</summary>
public static class AggregatorAddress
{
    /// <param name="protocol">The node's own scheme (<see cref="RemoteSystem.Protocol"/>): "akka.ssl.tcp" when it uses TLS.</param>
    public static string IngestPath(HostPort aggregator, string protocol) => $"{protocol}://chorus@{aggregator}{IngestEndpoint.Path}";

    /// <summary>
    /// The local address on the route to the aggregator: the address it can reach this node at, which
    /// matters across hosts and network namespaces. Connecting a UDP socket sends nothing; it only asks the
    /// kernel to choose the route.
    /// </summary>
    public static string LocalAddressTowards(HostPort aggregator)
    {
        try
        {
            var address = Dns.GetHostAddresses(aggregator.Host).FirstOrDefault()
                ?? throw new UsageException($"--aggregator \"{aggregator.Host}\" does not resolve to any address. Check the host name.");
            using var probe = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(new IPEndPoint(address, aggregator.Port == 0 ? 9 : aggregator.Port));
            return ((IPEndPoint)probe.LocalEndPoint!).Address.ToString();
        }
        catch (SocketException e)
        {
            throw new UsageException($"--aggregator {aggregator}: no route to that host ({e.Message}). Check the address, or give this node's address with --listen HOST:PORT.");
        }
    }
}
