using System.Diagnostics;
using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests.Shipping;

/// <summary>
/// The linux-x64 release as README's Install section makes it (./publish.sh linux-x64), published once per
/// test run into a temporary directory, which is deleted afterwards. Shared by the tests of the collection.
/// </summary>
public sealed class PublishedExecutables : IAsyncLifetime
{
    // A cold Release build of both projects and the single-file bundling, on a loaded 2-core machine.
    private static readonly TimeSpan PublishWithin = TimeSpan.FromMinutes(4);
    private readonly string _artifacts = Directory.CreateTempSubdirectory("chorus-published-").FullName;

    /// <summary>The unpacked release folder: chorus-node, chorus-aggregator and hocon/.</summary>
    public string Folder { get; private set; } = "";

    /// <summary>The tarball a host downloads.</summary>
    public string Tarball { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var script = Path.Combine(Executables.RepositoryRoot, "publish.sh");
        var start = new ProcessStartInfo(script, ["linux-x64"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["CHORUS_ARTIFACTS"] = _artifacts;
        // The test host's MSBuild variables would point the publish's build at the test run's own MSBuild.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        using var publish = Process.Start(start)!;
        var stdout = publish.StandardOutput.ReadToEndAsync();
        var stderr = publish.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(PublishWithin);
        try
        {
            await publish.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            publish.Kill(entireProcessTree: true);
            throw new TimeoutException($"./publish.sh linux-x64 did not finish within {PublishWithin}.");
        }
        if (publish.ExitCode != 0)
            throw new InvalidOperationException($"./publish.sh linux-x64 failed ({publish.ExitCode}):\n{await stdout}\n{await stderr}");
        // publish.sh prints the folder, then the tarball.
        var written = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Folder = written[^2];
        Tarball = written[^1];
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_artifacts, recursive: true);
        return Task.CompletedTask;
    }
}
