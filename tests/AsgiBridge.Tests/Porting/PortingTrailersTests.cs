using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;

namespace AsgiBridge.Tests.Porting;

/// <summary>Issue 11.4 on real Kestrel: the trailers extension is offered, and trailers sent, only to a client that sent <c>TE: trailers</c>.</summary>
public sealed class PortingTrailersTests
{
    private static async Task TrailersIfOffered(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        var offered = scope.SupportsExtension(AsgiExtensionNames.Trailers);
        await send(new HttpResponseStart(200, [new("x-offered", offered ? "yes" : "no")], trailers: offered));
        await send(new HttpResponseBody("body"u8.ToArray()));
        if (offered)
        {
            await send(new HttpResponseTrailers([new("x-checksum", "abc")]));
        }
    }

    [Theory]
    [InlineData(KestrelProtocol.Http2, true, "yes")]
    [InlineData(KestrelProtocol.Http2, false, "no")]
    [InlineData(KestrelProtocol.Http1, true, "no")] // Kestrel cannot write HTTP/1.1 trailers
    [InlineData(KestrelProtocol.Http1, false, "no")]
    public async Task Trailers_are_offered_only_with_te_trailers_where_the_server_can_send_them(KestrelProtocol protocol, bool te, string offered)
    {
        await using var host = await KestrelTestHost.StartAsync(TrailersIfOffered);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative));
        if (te)
        {
            request.Headers.TE.ParseAdd("trailers");
        }

        using var response = await host.CreateClient(protocol).SendAsync(request);

        Assert.Equal("body", await response.Content.ReadAsStringAsync());
        Assert.Equal(offered, Assert.Single(response.Headers.GetValues("x-offered")));
        Assert.Equal(offered == "yes", response.TrailingHeaders.Contains("x-checksum"));
        Assert.Null((await host.WaitForOutcomeAsync(response)).Failure);
    }
}
