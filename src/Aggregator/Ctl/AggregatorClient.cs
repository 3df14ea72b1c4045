using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Chorus.Hosting;
using Chorus.Hosting.Security;

namespace Chorus.Aggregator.Ctl;

/// <summary>
/// ctl's HTTP client for one aggregator: presents the token, and turns what cannot be used (unreachable, token
/// refused) into a <see cref="CtlFailure"/> carrying ctl's exit code and a message that says what to do.
/// </summary>
public sealed class AggregatorClient(Uri baseUrl, AccessToken? token, HttpMessageHandler handler) : IDisposable
{
    // Longer than an aggregator's control-timeout (10 s by default): it answers every action by then.
    private readonly HttpClient _http = new(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(2) };

    public Uri BaseUrl => baseUrl;

    public async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path) =>
        Parsed(await SendAsync(new HttpRequestMessage(HttpMethod.Get, path)));

    /// <summary>An answer that is not JSON (queue logs' text), as it came.</summary>
    public async Task<(HttpStatusCode Status, string Text)> GetTextAsync(string path) =>
        await SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostJsonAsync(string path, string json) =>
        Parsed(await SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(json) }));

    public async Task<(HttpStatusCode Status, JsonElement Body)> PutJsonAsync(string path, string json) =>
        Parsed(await SendAsync(new HttpRequestMessage(HttpMethod.Put, path) { Content = Json(json) }));

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static (HttpStatusCode, JsonElement) Parsed((HttpStatusCode Status, string Text) answer) => (answer.Status, Parse(answer.Text));

    private async Task<(HttpStatusCode, string)> SendAsync(HttpRequestMessage request)
    {
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request);
        }
        catch (HttpRequestException e) when (e.InnerException is System.Security.Authentication.AuthenticationException)
        {
            // Reached, but its certificate is not one ctl trusts: "is it running?" would send the person the wrong way.
            throw new CtlFailure(ExitCodes.Unreachable,
                $"the aggregator at {baseUrl} answered with a certificate ctl does not trust ({e.InnerException.Message}). " +
                "Give the CA of its --tls-cert with --tls-ca FILE, and in --url a host its certificate names.");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new CtlFailure(ExitCodes.Unreachable,
                $"cannot reach the aggregator at {baseUrl} ({e.Message}). Is it running? Give its \"watch at\" address with --url.");
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.Unauthorized)
                throw new CtlFailure(ExitCodes.Refused, token is null
                    ? $"the aggregator needs its token. Give it with --token-file FILE or {AccessToken.EnvironmentVariable}."
                    : "the aggregator refused the token. Give its token (not the watch token) with --token-file FILE or " + AccessToken.EnvironmentVariable + ".");
            if (response.StatusCode == HttpStatusCode.Forbidden)
                throw new CtlFailure(ExitCodes.Refused, $"the aggregator refused: {ErrorOf(text)}");
            return (response.StatusCode, text);
        }
    }

    /// <summary>The {"error": ...} of an answer, or its text (a plain-text answer from the token check).</summary>
    public static string ErrorOf(JsonElement body, string fallback) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
            ? error.GetString()!
            : fallback;

    private static string ErrorOf(string text) => ErrorOf(Parse(text), text.Trim());

    private static JsonElement Parse(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>ctl cannot go on: <see cref="ExitCode"/> says why to scripts, the message to people.</summary>
public sealed class CtlFailure(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
