using System.Globalization;
using System.Net;
using System.Text;

namespace AsgiBridge.Testing.Tests.Parity;

/// <summary>
/// What a client observes of one response, normalized so that a real server and the in-process client can be compared:
/// status, headers (names lower-cased, sorted, without <c>date</c>, <c>server</c> and <c>transfer-encoding</c>, which
/// belong to the transport), body and trailers — or that the response was aborted.
/// </summary>
internal static class ParityOutcome
{
    private static readonly HashSet<string> s_transportHeaders = new(StringComparer.OrdinalIgnoreCase) { "date", "server", "transfer-encoding" };

    public static async Task<string> CaptureAsync(HttpClient client, ParityCase parityCase, Version? version = null)
    {
        using var request = parityCase.CreateRequest(version ?? HttpVersion.Version11);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request);
        }
        catch (HttpRequestException ex)
        {
            // A response that was started and then aborted: HttpClient fails while buffering the body.
            return $"aborted ({ex.GetType().Name})";
        }

        using (response)
        {
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"status {(int)response.StatusCode}");
            var headers = AsgiResponseHead.ReadHeaders(response)
                .Where(h => !s_transportHeaders.Contains(h.Name))
                .OrderBy(h => h.Name, StringComparer.Ordinal);
            foreach (var (name, value) in headers)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"header {name}: {value}");
            }

            var body = await response.Content.ReadAsByteArrayAsync();
            text.AppendLine(CultureInfo.InvariantCulture, $"body ({body.Length} bytes) {Convert.ToBase64String(body)}");
            text.AppendLine(CultureInfo.InvariantCulture, $"text {Encoding.UTF8.GetString(body)}");
            foreach (var trailer in response.TrailingHeaders.OrderBy(h => h.Key, StringComparer.Ordinal))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"trailer {trailer.Key.ToLowerInvariant()}: {string.Join(",", trailer.Value)}");
            }

            return text.ToString();
        }
    }
}
