using System.Net.Security;
using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests.Security;

/// <summary>
/// With --tls-cert, the aggregator's HTTP port speaks only HTTPS and WSS, with the same certificate as its
/// remoting. Watchers present no certificate; a client that trusts the test CA gets through.
/// </summary>
public sealed class HttpsTests : IDisposable
{
    private readonly TestCertificateAuthority _ca = new("chorus-test");
    private readonly TestCertificateAuthority _otherCa = new("other");
    private readonly string _procfile = Path.GetTempFileName();

    [Fact]
    public async Task Healthz_answers_over_https_to_a_client_that_trusts_the_CA_and_to_no_other()
    {
        var (aggregator, _, http) = await StartAggregatorAsync();
        using var _ = aggregator;

        using var trusting = Client(_ca.Trust());
        Assert.Equal("ok\n", await trusting.GetStringAsync(new Uri(http, "/healthz")));

        using var distrusting = Client(_otherCa.Trust());
        await Assert.ThrowsAsync<HttpRequestException>(() => distrusting.GetStringAsync(new Uri(http, "/healthz")));
    }

    [Fact]
    public async Task Plain_http_to_the_https_port_gets_no_answer()
    {
        var (aggregator, _, http) = await StartAggregatorAsync();
        using var _ = aggregator;

        using var plain = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetStringAsync(new UriBuilder(http) { Scheme = "http", Path = "/healthz" }.Uri));
    }

    [Fact]
    public async Task A_wss_client_that_trusts_the_CA_receives_lines()
    {
        File.WriteAllText(_procfile, "ticker: while true; do echo tick; sleep 0.1; done\n");
        var (aggregator, _, http) = await StartAggregatorAsync("--procfile", _procfile, "--name", "local");
        using var _ = aggregator;

        await using var watcher = await WebSocketRecorder.ConnectAsync(http, "/ws?format=text", _ca.Trust());

        await Eventually.True(() => watcher.Frames.Any(f => f.Contains("local/ticker | tick")), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Ctl_acts_on_an_https_aggregator_with_its_CA_and_without_it_says_to_give_tls_ca()
    {
        File.WriteAllText(_procfile, "sleeper: sleep 300\n");
        var (aggregator, _, http) = await StartAggregatorAsync("--procfile", _procfile, "--name", "n1");
        using var _ = aggregator;
        var url = http.ToString();

        var listed = (Code: -1, Stdout: (IReadOnlyList<string>)[], Stderr: (IReadOnlyList<string>)[]);
        await Eventually.True(() => (listed = Ctl("ps", "--url", url, "--tls-ca", _ca.CaFile).Result).Code == 0, TimeSpan.FromSeconds(30));
        Assert.Contains(listed.Stdout, l => l.StartsWith("n1") && l.Contains("sleeper"));

        var (code, _, stderr) = await Ctl("ps", "--url", url);
        Assert.Equal(7, code);
        Assert.Contains(stderr, l => l.Contains("certificate") && l.Contains("--tls-ca"));
    }

    private static async Task<(int Code, IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr)> Ctl(params string[] args)
    {
        using var ctl = ChorusProcess.Start("chorus-aggregator", ["ctl", .. args]);
        var code = await ctl.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, ctl.Stdout.ToList(), ctl.Stderr.ToList());
    }

    private async Task<(ChorusProcess Process, string Join, Uri Http)> StartAggregatorAsync(params string[] extraArgs)
    {
        var (cert, key) = _ca.Issue("chorus-aggregator");
        var started = await ChorusProcess.StartAggregatorAsync(["--tls-cert", cert, "--tls-key", key, "--tls-ca", _ca.CaFile, .. extraArgs]);
        Assert.Equal("https", started.Http.Scheme);
        return started;
    }

    private static HttpClient Client(RemoteCertificateValidationCallback trust) =>
        new(new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = trust } });

    public void Dispose()
    {
        _ca.Dispose();
        _otherCa.Dispose();
        File.Delete(_procfile);
    }
}
