using System.Diagnostics;
using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests.Shipping;

/// <summary>
/// The linux-x64 release as README's Install section makes it (./publish.sh linux-x64), published once per
/// test run into a temporary directory, which is deleted afterwards. Shared by the tests of the class.
/// </summary>
public sealed class PublishedExecutables : IAsyncLifetime
{
    // A cold Release build of both projects and the single-file bundling, on a loaded 2-core machine.
    private static readonly TimeSpan PublishWithin = TimeSpan.FromMinutes(4);
    private readonly string _artifacts = Directory.CreateTempSubdirectory("chorus-published-").FullName;

    private readonly Lazy<Task<(string Folder, string Tarball)>> _release;

    public PublishedExecutables() => _release = new(PublishAsync);

    /// <summary>
    /// The release folder (chorus-node, chorus-aggregator and hocon/) and the tarball a host downloads, published on
    /// first use: a test that skips itself costs no publish.
    /// </summary>
    public Task<(string Folder, string Tarball)> ReleaseAsync() => _release.Value;

    public Task InitializeAsync() => Task.CompletedTask;

    private async Task<(string Folder, string Tarball)> PublishAsync()
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
        return (written[^2], written[^1]);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_artifacts, recursive: true);
        return Task.CompletedTask;
    }
}
