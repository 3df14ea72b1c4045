using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests.Shipping;

/// <summary>
/// The linux-x64 release as README's Install section makes it (./publish.sh linux-x64), published once per
/// test run into a temporary directory, which is deleted afterwards. Shared by the tests of the class.
/// Without ReadyToRun (CHORUS_READY_TO_RUN=false): the same self-contained single files, JIT only. What the tests
/// promise is about the files (no .NET on the host, hocon/ beside them, TLS, the token), not their start-up, and
/// compiling both executables ahead of time took more CPU than the rest of the publish (several minutes on a
/// loaded 2-core machine, past the time allowed below; bench/ measures the ReadyToRun files).
/// </summary>
public sealed class PublishedExecutables : IAsyncLifetime
{
    // A cold Release build of both projects and the single-file bundling.
    private static readonly TimeSpan PublishWithin = TimeSpan.FromMinutes(8);
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
        var written = (await BuildCommand.RunAsync(Executables.RepositoryRoot, PublishWithin, Path.Combine(Executables.RepositoryRoot, "publish.sh"), ["linux-x64"],
            new Dictionary<string, string> { ["CHORUS_ARTIFACTS"] = _artifacts, ["CHORUS_READY_TO_RUN"] = "false" })).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // publish.sh prints the folder, then the tarball.
        return (written[^2], written[^1]);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_artifacts, recursive: true);
        return Task.CompletedTask;
    }
}
