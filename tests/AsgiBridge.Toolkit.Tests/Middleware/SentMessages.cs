using System.Text;
using AsgiBridge.Messages;

namespace AsgiBridge.Toolkit.Tests.Middleware;

/// <summary>Reads the HTTP response out of the messages an application sent, for the middleware tests.</summary>
internal static class SentMessages
{
    /// <summary>The response start; there must be at most one.</summary>
    public static HttpResponseStart? Start(this IReadOnlyList<AsgiMessage> sent) => sent.OfType<HttpResponseStart>().SingleOrDefault();

    /// <summary>Every body chunk, joined and decoded as UTF-8.</summary>
    public static string BodyText(this IReadOnlyList<AsgiMessage> sent) =>
        Encoding.UTF8.GetString([.. sent.OfType<HttpResponseBody>().SelectMany(b => b.Body.ToArray())]);
}
