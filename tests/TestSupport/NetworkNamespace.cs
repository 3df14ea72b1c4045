using System.Diagnostics;

namespace Chorus.Tests.Support;

/// <summary>
/// A second host on this machine: a network namespace joined to the root namespace by a veth pair, with
/// one address on each end, both inside a private /30 the test owns. Its link can be taken down and up to
/// cut the network for real. Deleted on dispose (with the namespace goes its end of the pair, and with
/// that the other end).
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    private NetworkNamespace(string name, string hostEnd, string hostAddress, string insideAddress)
    {
        Name = name;
        HostEnd = hostEnd;
        HostAddress = hostAddress;
        InsideAddress = insideAddress;
    }

    public string Name { get; }
    public string HostAddress { get; }
    public string InsideAddress { get; }
    private string HostEnd { get; }

    /// <summary>Why namespaces cannot be made here, or null when they can (root, iproute2).</summary>
    public static string? Unavailable() =>
        Environment.UserName != "root" ? "making network namespaces needs root"
        : !File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip") && !File.Exists("/usr/bin/ip") ? "iproute2 (ip) is not installed"
        : null;

    /// <param name="subnet">
    /// The third octet of 10.231.X.Y/30, distinct per test so tests may run side by side. The /30 within it follows
    /// the process id, so that two test runs at once on one machine (say, two checkouts) rarely share one: the
    /// same addresses on two links in the root namespace can send one run's packets over the other's link.
    /// </param>
    public static NetworkNamespace Create(int subnet)
    {
        var name = $"chorus-test-{subnet}-{Environment.ProcessId}";
        var hostEnd = $"chv{subnet}h{Environment.ProcessId % 10000}";
        var insideEnd = $"chv{subnet}n{Environment.ProcessId % 10000}";
        var block = 4 * (Environment.ProcessId % 64);
        var space = new NetworkNamespace(name, hostEnd, $"10.231.{subnet}.{block + 1}", $"10.231.{subnet}.{block + 2}");
        try
        {
            Ip($"netns add {name}");
            Ip($"link add {hostEnd} type veth peer name {insideEnd}");
            Ip($"link set {insideEnd} netns {name}");
            Ip($"addr add {space.HostAddress}/30 dev {hostEnd}");
            Ip($"link set {hostEnd} up");
            Ip($"-n {name} addr add {space.InsideAddress}/30 dev {insideEnd}");
            Ip($"-n {name} link set {insideEnd} up");
            Ip($"-n {name} link set lo up");
            // Each end knows the other's hardware address for good, so a cut is silent, as one beyond a router is:
            // packets vanish and connection attempts wait out their SYN retransmissions. Left to ARP, the kernel
            // failed them within 3 s with "no route to host", which no cut further away does.
            Ip($"-n {name} neigh replace {space.HostAddress} lladdr {File.ReadAllText($"/sys/class/net/{hostEnd}/address").Trim()} dev {insideEnd} nud permanent");
            Ip($"neigh replace {space.InsideAddress} lladdr {InsideHardwareAddress(name, insideEnd)} dev {hostEnd} nud permanent");
            return space;
        }
        catch
        {
            space.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends everything beyond the /30 to the root namespace, so this "host" reaches every address the root
    /// namespace has (another namespace's host end included) the way a host reaches others through its router.
    /// Nothing is forwarded further: the root namespace is not made a router.
    /// </summary>
    public void RouteThroughHost() => Ip($"-n {Name} route add default via {HostAddress}");

    public void CutLink() => Ip($"link set {HostEnd} down");

    public void RestoreLink() => Ip($"link set {HostEnd} up");

    /// <summary>
    /// The local ports of this namespace's connections to <paramref name="hostPort"/> that are still being opened
    /// (SYN-SENT: the SYN not answered yet), one per connection attempt.
    /// </summary>
    public IReadOnlyList<int> PortsConnectingTo(string hostPort)
    {
        var (code, output, error) = Run("ss", $"-N {Name} -Htn state syn-sent dst {hostPort}");
        if (code != 0) throw new InvalidOperationException($"ss -N {Name} failed ({code}): {error}");
        // Each line: Recv-Q Send-Q Local:Port Peer:Port (the state is left out when one is asked for).
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2])
            .Select(local => int.Parse(local[(local.LastIndexOf(':') + 1)..]))
            .ToList();
    }

    public void Dispose()
    {
        Run("ip", $"link del {HostEnd}");
        Run("ip", $"netns del {Name}");
    }

    private static string InsideHardwareAddress(string name, string insideEnd)
    {
        var (code, output, error) = Run("ip", $"netns exec {name} cat /sys/class/net/{insideEnd}/address");
        if (code != 0) throw new InvalidOperationException($"reading {insideEnd}'s address in {name} failed ({code}): {error}");
        return output.Trim();
    }

    private static void Ip(string arguments)
    {
        var (code, _, error) = Run("ip", arguments);
        if (code != 0) throw new InvalidOperationException($"ip {arguments} failed ({code}): {error}");
    }

    private static (int Code, string Output, string Error) Run(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments)
            { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
