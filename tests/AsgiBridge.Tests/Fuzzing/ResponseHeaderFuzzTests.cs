using AsgiBridge.Messages;
using AsgiBridge.Tests.Infrastructure;
using CsCheck;
using Xunit.Abstractions;

namespace AsgiBridge.Tests.Fuzzing;

/// <summary>
/// The header rules under generated input (issue 10.8): generated response headers go through a real
/// <c>http.response.start</c> on the unit harness, and either send raises a protocol error naming the message and its
/// <c>headers</c> field, or what reaches the response is allowed on the wire: names that are HTTP tokens (lower-cased),
/// never pseudo-headers, values of bytes without CR, LF, NUL or any other control character but tab.
/// </summary>
public sealed class ResponseHeaderFuzzTests(ITestOutputHelper output)
{
    private const string TokenChars = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private static readonly Gen<string> s_name = Gen.Frequency<string>(
        (6, Gen.Char[TokenChars].Array[1, 10].Select(c => new string(c))),
        (2, Gen.Char[(char)0, (char)0x17F].Array[0, 6].Select(c => new string(c))),
        (1, Gen.OneOf(":status", ":path", "x y", "x:y", "", "x\r\ninjected: 1", "content-length", "transfer-encoding", "connection", "Set-Cookie")));

    private static readonly Gen<string> s_value = Gen.Frequency<string>(
        (6, Gen.Char[(char)0x20, (char)0x7E].Array[0, 12].Select(c => new string(c))),
        (3, Gen.Char[(char)0, (char)0x1FF].Array[0, 8].Select(c => new string(c))),
        (1, Gen.OneOf("a\r\nset-cookie: evil=1", "\t tab ok", "\u00ff\u00e9", "12", "chunked", "close", "-1")));

    private static readonly Gen<AsgiHeader[]> s_headers = Gen.Select(s_name, s_value).Select((n, v) => new AsgiHeader(n, v)).Array[0, 4];

    private static bool AllowedOnTheWire(string name, string value) =>
        name.Length > 0 && name[0] != ':' && name.All(c => TokenChars.Contains(c, StringComparison.Ordinal))
        && value.All(c => c == '\t' || (c >= 0x20 && c != 0x7F && c <= 0xFF));

    [Fact]
    public void Nothing_the_rules_forbid_reaches_the_response() =>
        s_headers.Sample(output, "response headers", headers =>
        {
            AsgiProtocolException? raised = null;
            var handler = HttpContextHarness.Handler(async (scope, receive, send) =>
            {
                try
                {
                    await send(new HttpResponseStart(200, headers));
                }
                catch (AsgiProtocolException ex)
                {
                    raised = ex;
                    throw;
                }

                await send(HttpResponseBody.Empty);
            });
            var context = HttpContextHarness.Context();
            handler.HandleAsync(context).GetAwaiter().GetResult();

            if (raised is not null)
            {
                Assert.Equal("http.response.start", raised.MessageType);
                Assert.Equal("headers", raised.Field);
                Assert.Equal(500, context.Response.StatusCode);
            }

            foreach (var (name, values) in context.Response.Headers)
            {
                foreach (var value in values)
                {
                    Assert.True(AllowedOnTheWire(name, value ?? string.Empty), $"'{name}: {value}' reached the response");
                }
            }
        });
}
