using System.Globalization;
using System.Net;
using System.Text;
using AsgiBridge.Hosting;

namespace AsgiBridge.Testing.Tests.Parity;

/// <summary>
/// What a client observes of one response, normalized so that Kestrel and the in-process client can be compared:
/// status, headers (names lower-cased, sorted, without <c>date</c>, <c>server</c> and <c>transfer-encoding</c>, which
/// belong to the transport), body and trailers — or that the body was cut off — followed by the bridge's outcome.
/// </summary>
internal static class HttpObservation
{
    private static readonly HashSet<string> s_transportHeaders = new(StringComparer.OrdinalIgnoreCase) { "date", "server", "transfer-encoding" };

    public static async Task<string> CaptureAsync(HttpClient client, ParityCase parityCase, Version version,
        Func<HttpRequestMessage, Task<AsgiConnectionOutcome>> outcome)
    {
        var token = parityCase.Gated ? ParitySignals.NewToken() : null;
        using var request = parityCase.CreateRequest(version, token);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        }
        catch (HttpRequestException)
        {
            // Over HTTP/1.1 the connection reset of a cut-off response can overtake its head.
            return "response cut off\n" + OutcomeText.Describe(await outcome(request)) + "\n";
        }

        using var owned = response;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"status {(int)response.StatusCode}");
        var headers = AsgiResponseHead.ReadHeaders(response)
            .Where(h => !s_transportHeaders.Contains(h.Name))
            .OrderBy(h => h.Name, StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"header {name}: {value}");
        }

        if (token is not null)
        {
            await ParitySignals.WaitAsync(token);
        }

        try
        {
            using var body = new MemoryStream();
            await (await response.Content.ReadAsStreamAsync()).CopyToAsync(body);
            var bytes = body.ToArray();
            if (parityCase.Gated)
            {
                var all = Encoding.UTF8.GetString(bytes);
                text.AppendLine(CultureInfo.InvariantCulture, $"last line {all[(all.LastIndexOf('\n') + 1)..]}");
            }
            else
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"body ({bytes.Length} bytes) {Convert.ToBase64String(bytes)}");
                text.AppendLine(CultureInfo.InvariantCulture, $"text {Encoding.UTF8.GetString(bytes)}");
            }

            foreach (var trailer in response.TrailingHeaders.OrderBy(h => h.Key, StringComparer.Ordinal))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"trailer {trailer.Key.ToLowerInvariant()}: {string.Join(",", trailer.Value)}");
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            // The bridge cut the response off (HTTP/1.1 connection closed early, HTTP/2 stream reset). What arrived of it
            // depends on the transport's timing, so only the fact is compared; the outcome says the rest.
            return "response cut off\n" + OutcomeText.Describe(await outcome(request)) + "\n";
        }

        text.AppendLine(OutcomeText.Describe(await outcome(request)));
        return text.ToString();
    }
}
