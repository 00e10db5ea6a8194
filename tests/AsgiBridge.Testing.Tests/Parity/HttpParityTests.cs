using System.Text;
using AsgiBridge.TestInfrastructure.Kestrel;

namespace AsgiBridge.Testing.Tests.Parity;

/// <summary>
/// The shared suite, as guards: every case runs through real Kestrel (UseAsgi, HttpClient) and through the in-process
/// client (with RaiseServerExceptions off, so it answers as the server does), over HTTP/1.1 and over HTTP/2, and both
/// must observe the same status, headers (except date/server/transfer-encoding), body, trailers — or the same cut-off
/// body — and the bridge must record the same outcome (how the request ended, what it answered, the exception's type and
/// message). The cases assert equality, not today's engine decisions, so they keep guarding while the engine changes.
/// </summary>
public sealed class HttpParityTests(ParityHost host) : IClassFixture<ParityHost>
{
    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static IEnumerable<ParityCase> All =>
    [
        new("hello", "GET", "/hello"),
        new("empty body gets content-length 0", "GET", "/empty"),
        new("streaming", "GET", "/stream"),
        new("declared content-length over two chunks", "GET", "/declared-length"),
        new("streaming with data in the final chunk", "GET", "/stream-final-data"),
        new("head of a declared content-length", "HEAD", "/declared-length"),
        new("echo of a chunked body", "POST", "/echo", () => AsgiContent.Streamed(Utf8("one,"), Utf8("two,"), Utf8("three"))),
        new("echo of a sized body", "POST", "/echo", () => AsgiContent.Bytes(Utf8("sized body"), "application/x-test")),
        new("echo of json", "POST", "/echo", () => AsgiContent.Json(new { name = "Ada", tags = new[] { "a", "b" } })),
        new("echo of a form", "PUT", "/echo", () => AsgiContent.Form(("a", "1 2"), ("b", "é"))),
        new("scope keys", "GET", "/scope?q=a%20b&x=%2F&empty=", null, ("x-multi", "1"), ("accept", "text/plain")),
        new("scope keys with te trailers", "GET", "/scope", null, ("TE", "trailers")),
        new("scope keys of a post", "POST", "/scope", () => AsgiContent.Text("body")),
        new("scope keys of a chunked post", "PATCH", "/scope", () => AsgiContent.Streamed(Utf8("x"))),
        new("scope keys of an empty post", "POST", "/scope"),
        new("scope keys of a decoded path", "DELETE", "/scope/caf%C3%A9/a%2Fb"),
        new("multi-value headers", "GET", "/headers"),
        new("latin-1 header value", "GET", "/latin1-header"),
        new("cookies", "GET", "/cookies", null, ("Cookie", "a=1; b=2")),
        new("500 on exception before start", "GET", "/raise-before-start"),
        new("500 on head exception", "HEAD", "/raise-before-start"),
        new("abort on exception after start", "GET", "/raise-after-start"),
        new("exception after the response completed", "GET", "/raise-after-complete"),
        new("500 when returning without a response", "GET", "/no-response"),
        new("500 when returning after start only", "GET", "/start-only"),
        new("204", "DELETE", "/no-content"),
        new("304", "GET", "/not-modified"),
        new("head", "HEAD", "/hello"),
        new("head of a stream", "HEAD", "/stream"),
        new("head of an empty body", "HEAD", "/empty"),
        new("options", "OPTIONS", "/hello"),
        new("trailers with te trailers", "GET", "/trailers", null, ("TE", "trailers")),
        new("trailers without te trailers", "GET", "/trailers"),
        new("pathsend", "GET", "/pathsend"),
        new("head of pathsend", "HEAD", "/pathsend"),
        new("violation: body before start", "GET", "/violation/body-before-start"),
        new("violation: start twice", "GET", "/violation/start-twice"),
        new("violation: invalid status 42", "GET", "/violation/bad-status"),
        new("violation: invalid status 1000", "GET", "/violation/status-1000"),
        new("violation: upper-case header name", "GET", "/violation/upper-case-header"),
        new("violation: pseudo-header", "GET", "/violation/pseudo-header"),
        new("violation: header name with a space", "GET", "/violation/header-name-with-space"),
        new("violation: empty header name", "GET", "/violation/empty-header-name"),
        new("violation: CR LF in a header value", "GET", "/violation/header-value-newline"),
        new("violation: header value beyond latin-1", "GET", "/violation/header-value-beyond-latin1"),
        new("violation: body on 204", "GET", "/violation/body-on-204"),
        new("violation: body on 304", "GET", "/violation/body-on-304"),
        new("violation: negative content-length", "GET", "/violation/bad-content-length"),
        new("violation: content-length not a number", "GET", "/violation/content-length-text"),
        new("violation: conflicting content-lengths", "GET", "/violation/content-length-conflict"),
        new("violation: trailers not announced", "GET", "/violation/trailers-not-announced"),
        new("violation: trailers before the final body", "GET", "/violation/trailers-before-final-body", null, ("TE", "trailers")),
        new("violation: body after the final body", "GET", "/violation/body-after-trailers-pending", null, ("TE", "trailers")),
        new("violation: body after the response completed", "GET", "/violation/body-after-complete"),
        new("violation: debug after start", "GET", "/violation/debug-after-start"),
        new("violation: websocket message on http", "GET", "/violation/websocket-message"),
        new("violation caught by the application", "GET", "/violation/caught-upper-case-header"),
        new("overlapping sends", "GET", "/overlapping-sends") { Gated = true },
        new("404", "GET", "/missing"),
    ];

    public static TheoryData<ParityCase, KestrelProtocol> Cases => ParityMatrix.OverBothProtocols(All);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task In_process_client_observes_what_Kestrel_serves(ParityCase parityCase, KestrelProtocol protocol)
    {
        var kestrel = host.Kestrel;
        var version = protocol == KestrelProtocol.Http2 ? new Version(2, 0) : new Version(1, 1);
        await using var inProcess = host.InProcess(protocol);

        var expected = await HttpObservation.CaptureAsync(kestrel.CreateClient(protocol), parityCase, version, request => kestrel.WaitForOutcomeAsync(request));
        var actual = await HttpObservation.CaptureAsync(inProcess.Http, parityCase, version, request => request.WaitForAsgiOutcomeAsync());

        Assert.Equal(expected, actual);
        Assert.DoesNotContain("no send was pending", actual, StringComparison.Ordinal); // the overlapping case did overlap
    }
}
