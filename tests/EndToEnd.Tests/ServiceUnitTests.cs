using System.Diagnostics;
using Akka.Configuration;
using Chorus.Node;
using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests;

/// <summary>
/// examples/systemd's units, as README installs them: the keys that make them safe to run (a token from a file, a user
/// of their own, restarts, state under StateDirectory=, a stop that lets Chorus stop its own process groups in time),
/// and, where systemd-analyze is installed, systemd's own verdict on them.
/// </summary>
public sealed class ServiceUnitTests
{
    public static readonly TheoryData<string, string> Units = new()
    {
        { "chorus-node", "--spool %S/chorus-node" },
        { "chorus-aggregator", "--archive %S/chorus-aggregator/" },
    };

    [Theory]
    [MemberData(nameof(Units))]
    public void A_unit_runs_the_installed_executable_as_its_own_user_with_its_state_and_token_where_systemd_keeps_them(string name, string stateFlag)
    {
        var service = ServiceSection(name);

        Assert.StartsWith($"/usr/local/bin/{name} ", Single(service, "ExecStart"));
        Assert.StartsWith("/etc/chorus/", Single(service, "EnvironmentFile"));
        Assert.True(Single(service, "User", "") is not ("" or "root") || Single(service, "DynamicUser", "") == "yes", "a user of its own");
        Assert.Equal("on-failure", Single(service, "Restart"));
        Assert.Equal(name, Single(service, "StateDirectory"));
        Assert.Equal("0700", Single(service, "StateDirectoryMode"));
        Assert.Contains(stateFlag, Single(service, "ExecStart"));
    }

    [Theory]
    [MemberData(nameof(Units))]
    public void A_stop_signals_chorus_alone_and_waits_longer_than_it_takes(string name, string _)
    {
        var service = ServiceSection(name);
        var node = NodeSettings.From(Shipped("node.conf"));
        var aggregator = Shipped("aggregator.conf");
        var needed = node.StopGrace + node.DrainTimeout + (name == "chorus-aggregator"
            ? aggregator.GetTimeSpan("chorus.aggregator.shutdown.flush-timeout") + aggregator.GetTimeSpan("chorus.aggregator.shutdown.http-timeout")
            : TimeSpan.Zero);

        // mixed: SIGTERM to the main process only (it stops its process groups itself), SIGKILL to what is left at the end.
        Assert.Equal("mixed", Single(service, "KillMode"));
        Assert.Equal("SIGTERM", Single(service, "KillSignal", "SIGTERM"));
        Assert.True(TimeSpan.FromSeconds(int.Parse(Single(service, "TimeoutStopSec"))) > needed, $"TimeoutStopSec above {needed.TotalSeconds} s");
    }

    [SystemdAnalyzeTheory]
    [MemberData(nameof(Units))]
    public async Task Systemd_analyze_verify_finds_nothing_to_say(string name, string _)
    {
        // verify checks that ExecStart's program exists: the built executable stands in for the installed one.
        var folder = Directory.CreateTempSubdirectory("chorus-units-");
        try
        {
            var unit = Path.Combine(folder.FullName, $"{name}.service");
            File.WriteAllText(unit, File.ReadAllText(UnitPath(name)).Replace($"/usr/local/bin/{name}", Executables.PathOf(name)));
            var start = new ProcessStartInfo("systemd-analyze") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "verify", unit }) start.ArgumentList.Add(arg);
            using var verify = Process.Start(start)!;
            var said = await verify.StandardError.ReadToEndAsync() + await verify.StandardOutput.ReadToEndAsync();
            await verify.WaitForExitAsync();

            // It exits 0 with warnings (an unknown key, a bad value) too, so its silence is the verdict.
            Assert.Equal("", said);
            Assert.Equal(0, verify.ExitCode);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string UnitPath(string name) => Path.Combine(Executables.RepositoryRoot, "examples", "systemd", $"{name}.service");

    private static Config Shipped(string file) =>
        ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(Executables.RepositoryRoot, "hocon", file)));

    // The [Service] section's KEY=value lines; a key may repeat in systemd, so each maps to all its values.
    private static ILookup<string, string> ServiceSection(string name)
    {
        var section = "";
        var pairs = new List<(string Key, string Value)>();
        foreach (var raw in File.ReadLines(UnitPath(name)))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line.StartsWith('[')) section = line;
            else if (section == "[Service]" && line.IndexOf('=') is var equals and > 0) pairs.Add((line[..equals].Trim(), line[(equals + 1)..].Trim()));
        }
        return pairs.ToLookup(p => p.Key, p => p.Value);
    }

    private static string Single(ILookup<string, string> section, string key, string? absent = null) =>
        section[key].ToList() switch
        {
            [var value] => value,
            [] when absent is not null => absent,
            var values => throw new Xunit.Sdk.XunitException($"[Service] has {values.Count} {key}= lines; expected one"),
        };
}

/// <summary>A theory that needs systemd-analyze; skipped, with the reason, where it is not installed.</summary>
public sealed class SystemdAnalyzeTheoryAttribute : TheoryAttribute
{
    public SystemdAnalyzeTheoryAttribute()
    {
        if (!File.Exists("/usr/bin/systemd-analyze") && !File.Exists("/bin/systemd-analyze"))
            Skip = "systemd-analyze is not installed (Debian package systemd; .ci/run installs it)";
    }
}
