namespace Chorus.Browser.Tests.Support;

/// <summary>
/// One aggregator for a whole test class or collection, running a Procfile with a bit of everything:
/// steady stdout lines, stdout and stderr, a line of markup, a process that has exited with code 3, and one that left a writer behind.
/// Tests only read from it, so they can share it.
/// </summary>
public sealed class WatchedAggregator : IAsyncLifetime
{
    /// <summary>The collection of HTTP tests that share one aggregator.</summary>
    public const string Collection = "watched aggregator";

    public const string Node = "alpha";

    public const string Procfile = """
        web: i=0; while true; do i=$((i+1)); echo "web line $i"; sleep 0.1; done
        worker: i=0; while true; do i=$((i+1)); echo "worker out $i"; echo "worker err $i" >&2; sleep 0.25; done
        markup: while true; do echo '<script>alert(1)</script>'; sleep 1; done
        once: echo 'once ran'; exit 3
        behind: (while true; do sleep 1; echo 'left running'; done) & echo 'leader'
        """;

    private readonly string _procfile;
    private readonly string[] _extraArgs;
    private readonly string? _config;
    private readonly string? _spec;
    private string? _configFile;
    private AggregatorProcess? _aggregator;

    public WatchedAggregator() : this(Procfile, [], null)
    {
    }

    // Not public: xunit wants a fixture to have exactly one public constructor.
    private WatchedAggregator(string procfile, string[] extraArgs, string? config, string? spec = null) =>
        (_procfile, _extraArgs, _config, _spec) = (procfile, extraArgs, config, spec);

    /// <summary>With extra flags, e.g. --token-file for the tests of authentication.</summary>
    public static WatchedAggregator With(params string[] extraArgs) => new(Procfile, extraArgs, null);

    /// <summary>Running another Procfile, for a test that needs processes of its own; <paramref name="config"/> is HOCON for --config.</summary>
    public static WatchedAggregator Running(string procfile, string? config = null, params string[] extraArgs) => new(procfile, extraArgs, config);

    /// <summary>Running a spec (HOCON) instead of a Procfile, for tests of groups and stdin; with extra flags.</summary>
    public static WatchedAggregator RunningSpec(string spec, params string[] extraArgs) => new("", extraArgs, null, spec);

    public AggregatorProcess Aggregator => _aggregator ?? throw new InvalidOperationException("The aggregator has not started.");

    public HttpClient Http => Aggregator.Http;

    public async Task InitializeAsync()
    {
        var args = _extraArgs;
        if (_config is not null)
        {
            _configFile = Path.GetTempFileName();
            await File.WriteAllTextAsync(_configFile, _config);
            args = [.. args, "--config", _configFile];
        }
        _aggregator = _spec is null
            ? await AggregatorProcess.StartAsync(_procfile, Node, args)
            : await AggregatorProcess.StartWithSpecAsync(_spec, Node, args);
    }

    public async Task DisposeAsync()
    {
        if (_aggregator is not null) await _aggregator.DisposeAsync();
        if (_configFile is not null) File.Delete(_configFile);
    }
}

[CollectionDefinition(WatchedAggregator.Collection)]
public sealed class WatchedAggregatorCollection : ICollectionFixture<WatchedAggregator>;
