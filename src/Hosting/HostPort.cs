using System.Globalization;

namespace Chorus.Hosting;

/// <summary>A HOST:PORT pair from the command line. Port 0 asks the OS for a free port.</summary>
public readonly record struct HostPort(string Host, int Port)
{
    public static HostPort Parse(string text, string flag)
    {
        var example = $"Use HOST:PORT, e.g. {flag} 127.0.0.1:4053 (port 0 picks a free port).";
        var colon = text.LastIndexOf(':');
        if (colon < 0)
            throw new UsageException($"{flag} \"{text}\" has no port. {example}");
        var host = text[..colon];
        // [::1]:4053 — IPv6 literals are written in brackets so the port's colon is unambiguous.
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        if (host.Length == 0)
            throw new UsageException($"{flag} \"{text}\" has no host. {example}");
        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
            throw new UsageException($"{flag} \"{text}\" has an invalid port \"{text[(colon + 1)..]}\"; a port is a number from 0 to 65535. {example}");
        return new HostPort(host, port);
    }

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
