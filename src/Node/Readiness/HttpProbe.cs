using System.Net;

namespace Chorus.Node.Readiness;

/// <summary>
/// Ready once a GET of the URL (http or https) answers 2xx within one look. Redirects are followed, at most
/// <see cref="MostRedirects"/> (a redirect loop then fails the look, with the redirect's status); the
/// certificate of an https URL is checked as any client would.
/// </summary>
public sealed class HttpProbe(Uri url, TimeSpan look) : IReadinessProbe
{
    public const int MostRedirects = 5;

    // One client for every probe (the recommended use): connections are not kept, so each look is a fresh one.
    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = true,
        MaxAutomaticRedirections = MostRedirects,
        PooledConnectionLifetime = TimeSpan.Zero,
        UseCookies = false,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan, // each look has its own
    };

    public string LastFailure { get; private set; } = "not looked at yet";

    public async Task<bool> IsReadyAsync(CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(look);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.ConnectionClose = true;
            using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return true;
            LastFailure = $"{url} answered {(int)response.StatusCode}";
        }
        catch (HttpRequestException e)
        {
            LastFailure = e.HttpRequestError == HttpRequestError.ConnectionError && e.InnerException is System.Net.Sockets.SocketException
                { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused }
                ? $"{url} refused the connection"
                : $"{url}: {e.Message}";
        }
        catch (OperationCanceledException)
        {
            LastFailure = cancellation.IsCancellationRequested
                ? $"the look at {url} was cancelled"
                : $"{url} did not answer within {ReadinessProbes.Say(look)}";
        }
        return false;
    }
}
