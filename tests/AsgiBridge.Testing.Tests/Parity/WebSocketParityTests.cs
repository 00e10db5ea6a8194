using AsgiBridge.TestInfrastructure.Kestrel;

namespace AsgiBridge.Testing.Tests.Parity;

/// <summary>
/// The WebSocket half of the shared suite: each conversation runs against Kestrel (ClientWebSocket, HTTP/1.1 Upgrade and
/// HTTP/2 extended CONNECT) and in process (<see cref="AsgiTestClient.ConnectWebSocketAsync"/>), and both must give the
/// same transcript — handshake result, messages, close codes and reasons — and the same outcome recorded by the bridge.
/// </summary>
public sealed class WebSocketParityTests(ParityHost host) : IClassFixture<ParityHost>
{
    private static IEnumerable<WebSocketParityCase> All =>
    [
        new("echo", "/ws/echo", [], "text:hi", "receive", "bytes:raw", "receive", "close:1000"),
        new("subprotocol", "/ws/echo", ["chat.v2", "chat.v1"], "close:1000"),
        new("scope keys", "/ws/scope?room=1", ["chat.v1"], "receive", "receive") { Headers = [("x-custom", "yes")] },
        new("application close", "/ws/echo", [], "text:close-me", "receive"),
        new("client close with code and reason", "/ws/wait-for-disconnect", [], "close:4002:bye"),
        new("client close without a code (1005)", "/ws/wait-for-disconnect", [], "close:1005"),
        new("client drops the connection (1006)", "/ws/wait-for-disconnect", [], "abort"),
        new("send after the client closed", "/ws/send-after-client-close", [], "close:1000"),
        new("close before accept", "/ws/close-before-accept", []),
        new("denial response", "/ws/denial", []),
        new("exception before accept", "/ws/raise-before-accept", []),
        new("send before accept", "/ws/send-before-accept", []),
        new("exception after accept", "/ws/raise-after-accept", [], "text:go", "receive"),
        new("return while open", "/ws/return-while-open", [], "receive"),
        new("invalid accept: subprotocol not offered", "/ws/accept-unoffered-subprotocol", ["chat.v1"]),
        new("invalid accept: subprotocol as a header", "/ws/accept-with-protocol-header", []),
        new("invalid accept: upper-case header name", "/ws/accept-upper-case-header", []),
        new("invalid close: code 1005", "/ws/close-code?code=1005", [], "receive"),
        new("invalid close: code 1006", "/ws/close-code?code=1006", [], "receive"),
        new("invalid close: code 999", "/ws/close-code?code=999", [], "receive"),
        new("invalid close: code 5000", "/ws/close-code?code=5000", [], "receive"),
        new("valid close: code 4999", "/ws/close-code?code=4999", [], "receive"),
        new("invalid close: 200-byte reason", "/ws/close-long-reason", [], "receive"),
        new("second close is ignored", "/ws/close-twice", [], "receive"),
        new("invalid message: both bytes and text", "/ws/invalid-message", [], "receive"),
        new("overlapping sends", "/ws/overlapping-sends", [], "wait-signal", "receive-last"),
    ];

    public static TheoryData<WebSocketParityCase, KestrelProtocol> Cases => ParityMatrix.OverBothProtocols(All);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task In_process_client_observes_what_Kestrel_serves(WebSocketParityCase parityCase, KestrelProtocol protocol)
    {
        await using var client = host.InProcess(protocol);

        var onKestrel = await WebSocketTranscript.KestrelAsync(host.Kestrel, protocol, parityCase);
        var inProcess = await WebSocketTranscript.InProcessAsync(client, parityCase);

        Assert.Equal(onKestrel, inProcess);
        Assert.DoesNotContain("no send was pending", inProcess, StringComparison.Ordinal); // the overlapping case did overlap
    }
}
