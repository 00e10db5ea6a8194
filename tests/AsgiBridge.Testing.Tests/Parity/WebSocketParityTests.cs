namespace AsgiBridge.Testing.Tests.Parity;

/// <summary>
/// The WebSocket half of the shared suite: the in-process transcripts are checked against the behaviour the spec and
/// uvicorn prescribe, and against what Kestrel serves through UseAsgi (the WebSocket bridge of issue 3).
/// </summary>
public sealed class WebSocketParityTests(KestrelServerFixture kestrel) : IClassFixture<KestrelServerFixture>
{
    public static TheoryData<WebSocketParityCase, string> Cases => new()
    {
        {
            new("echo", "/ws/echo", [], "text:hi", "receive", "bytes:raw", "receive", "close:1000"),
            "accepted subprotocol=\ntext echo:hi\nbytes cmF3\n"
        },
        { new("subprotocol", "/ws/echo", ["chat.v2", "chat.v1"], "close:1000"), "accepted subprotocol=chat.v1\n" },
        { new("application close", "/ws/echo", [], "text:close-me", "receive"), "accepted subprotocol=\nclose 4001 asked to\n" },
        { new("close before accept", "/ws/close-before-accept", []), "denied 403\n" },
        { new("denial response", "/ws/denial", []), "denied 401\n" },
        { new("exception before accept", "/ws/raise-before-accept", []), "denied 500\n" },
        { new("exception after accept", "/ws/raise-after-accept", [], "text:go", "receive"), "accepted subprotocol=\nclose 1011 \n" },
        { new("return while open", "/ws/return-while-open", [], "receive"), "accepted subprotocol=\nclose 1000 \n" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task In_process_client_follows_the_spec(WebSocketParityCase parityCase, string expected)
    {
        await using var client = new AsgiTestClient(WebSocketParityApps.App, new AsgiTestClientOptions { RaiseServerExceptions = false });

        var transcript = await WebSocketTranscript.InProcessAsync(client, parityCase);

        Assert.Equal(expected.ReplaceLineEndings(), transcript);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task In_process_client_observes_what_Kestrel_serves(WebSocketParityCase parityCase, string expected)
    {
        _ = expected;
        await using var client = new AsgiTestClient(WebSocketParityApps.App, new AsgiTestClientOptions { RaiseServerExceptions = false, BaseAddress = kestrel.Address });

        var onKestrel = await WebSocketTranscript.KestrelAsync(kestrel.Address, parityCase);
        var inProcess = await WebSocketTranscript.InProcessAsync(client, parityCase);

        Assert.Equal(onKestrel, inProcess);
    }
}
