using System.Net.Http.Headers;
using System.Text;

namespace PortWarden.Alerts.Channels;

/// <summary>POSTs a JSON body; any answer but 2xx is a failure naming the status and the start of the answer.</summary>
internal static class JsonPoster
{
    public static async Task PostAsync(HttpClient http, string url, byte[] body, IEnumerable<(string Name, string Value)> headers, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException error)
        {
            throw new AlertSendException($"POST {Redact(url)} failed: {error.Message}", error);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new AlertSendException($"POST {Redact(url)} answered {(int)response.StatusCode} {response.ReasonPhrase}{(text.Length == 0 ? "" : $": {text[..Math.Min(200, text.Length)]}")}");
            }
        }
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The URL without its path and query, which for chat webhooks are the secret.</summary>
    public static string Redact(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}/…" : "(invalid url)";
}
