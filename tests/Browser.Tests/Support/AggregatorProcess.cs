using Chorus.Tests.Support;

namespace Chorus.Browser.Tests.Support;

/// <summary>
/// The real chorus-aggregator, started as a user starts it (see <see cref="ChorusProcess"/>), with a node
/// inside it running a Procfile (or a spec) written for the test, and an HTTP client for the address it printed.
/// Disposing kills it together with the processes it runs.
/// </summary>
public sealed class AggregatorProcess : IAsyncDisposable
{
    private readonly ChorusProcess _process;
    private readonly string _directory;

    private AggregatorProcess(ChorusProcess process, string directory, string join, Uri url)
    {
        _process = process;
        _directory = directory;
        Join = join;
        Url = url;
        Http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Where other nodes join (chorus-node --aggregator), e.g. 127.0.0.1:40124.</summary>
    public string Join { get; }

    /// <summary>The page's address, e.g. http://127.0.0.1:40123/.</summary>
    public Uri Url { get; }

    public HttpClient Http { get; }

    public int Pid => _process.Pid;

    /// <summary>What the aggregator wrote on stderr so far, for failure messages.</summary>
    public string Stderr => string.Join('\n', _process.Stderr);

    public static Task<AggregatorProcess> StartAsync(string procfile, string nodeName, params string[] extraArgs) =>
        StartAsync("--procfile", "Procfile", procfile, nodeName, extraArgs);

    /// <summary>Running a spec (HOCON, --spec): what a Procfile cannot say, such as groups and stdin.</summary>
    public static Task<AggregatorProcess> StartWithSpecAsync(string spec, string nodeName, params string[] extraArgs) =>
        StartAsync("--spec", "chorus.conf", spec, nodeName, extraArgs);

    private static async Task<AggregatorProcess> StartAsync(string flag, string fileName, string content, string nodeName, string[] extraArgs)
    {
        var directory = Directory.CreateTempSubdirectory("chorus-watch-").FullName;
        var path = Path.Combine(directory, fileName);
        await File.WriteAllTextAsync(path, content);
        var (process, join, url) = await ChorusProcess.StartAggregatorAsync([flag, path, "--name", nodeName, "--no-color", .. extraArgs]);
        return new AggregatorProcess(process, directory, join, url);
    }

    public ValueTask DisposeAsync()
    {
        Http.Dispose();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
