using AsgiBridge.Conversion;
using AsgiBridge.Messages;
using CsCheck;
using Xunit.Abstractions;

namespace AsgiBridge.Tests.Fuzzing;

/// <summary>
/// The dictionary form under generated input (issue 10.8): every generated message or scope dictionary either converts,
/// and then round-trips (typed → dictionary → typed → dictionary gives the same dictionary), or raises an
/// <see cref="AsgiProtocolException"/> that names what is wrong. Nothing else ever escapes.
/// </summary>
public sealed class DictionaryFormFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] s_messageTypes =
    [
        .. AllMessageTypes(), "http.bogus", "", "HTTP.REQUEST", "websocket.send ",
    ];

    private static readonly string[] s_messageFields =
        ["body", "more_body", "status", "headers", "trailers", "more_trailers", "path", "links", "info", "subprotocol", "bytes", "text", "code", "reason", "message", "extra"];

    private static readonly string[] s_scopeKeys =
        ["asgi", "http_version", "method", "scheme", "path", "raw_path", "query_string", "root_path", "headers", "client", "server", "subprotocols", "state", "extensions", "user", "spec_version"];

    private static IEnumerable<string> AllMessageTypes() =>
        typeof(AsgiMessageTypes).GetFields().Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!);

    private static readonly Gen<string> s_text = Gen.Char[(char)0, (char)0x3FF].Array[0, 8].Select(c => new string(c));

    private static readonly Gen<byte[]> s_bytes = Gen.Byte.Array[0, 8];

    private static readonly Gen<object?> s_scalar = Gen.OneOf<object?>(
        Gen.Int[0, 0].Select(_ => (object?)null),
        Gen.Bool.Select(b => (object?)b),
        Gen.Int[-5, 1200].Select(i => (object?)i),
        Gen.Long.Select(l => (object?)l),
        Gen.OneOf(0.5, double.NaN, 200.0).Select(d => (object?)d),
        s_text.Select(s => (object?)s),
        s_bytes.Select(b => (object?)b));

    private static readonly Gen<object?> s_pair = Gen.OneOf<object?>(
        Gen.Select(s_bytes, s_bytes).Select((n, v) => (object?)new List<object?> { n, v }),
        Gen.Select(s_text, s_text).Select((n, v) => (object?)new object?[] { n, v }),
        s_scalar.Array[0, 3].Select(items => (object?)items.ToList()));

    private static readonly Gen<object?> s_value = Gen.Frequency<object?>(
        (6, s_scalar),
        (3, s_pair.Array[0, 4].Select(pairs => (object?)pairs.ToList())),
        (1, Gen.Select(s_text, s_scalar).Select((k, v) => (object?)new Dictionary<string, object?> { [k] = v })),
        (1, Gen.Select(s_text, Gen.Int[0, 70000]).Select((host, port) => (object?)new List<object?> { host, port })));

    private static Gen<Dictionary<string, object?>> Dictionaries(Gen<string> types, string[] keys) =>
        Gen.Select(types, Gen.Select(Gen.OneOf(keys), s_value).Array[0, 7])
            .Select((type, fields) =>
            {
                var d = new Dictionary<string, object?>(StringComparer.Ordinal) { ["type"] = type };
                foreach (var (key, value) in fields)
                {
                    d[key] = value;
                }

                return d;
            });

    private static void ConvertsOrNamesTheFault<T>(Dictionary<string, object?> input, Func<Dictionary<string, object?>, T> from, Func<T, Dictionary<string, object?>> to)
    {
        T typed;
        try
        {
            typed = from(input);
        }
        catch (AsgiProtocolException error)
        {
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
            Assert.True(error.MessageType is not null || error.Field is not null || error.Message.Contains('\'', StringComparison.Ordinal),
                "the error names neither the message nor the field: " + error.Message);
            return;
        }

        var once = to(typed);
        var twice = to(from(once));
        Assert.True(FuzzRun.DeepEquals(once, twice), "the dictionary form does not round-trip");
    }

    [Fact]
    public void Every_generated_message_converts_and_round_trips_or_raises_a_named_protocol_error() =>
        Dictionaries(Gen.OneOf(s_messageTypes), s_messageFields).Sample(output, "message dictionaries", input =>
            ConvertsOrNamesTheFault(input, AsgiMessageConverter.FromDictionary, AsgiMessageConverter.ToDictionary));

    [Fact]
    public void Every_generated_scope_converts_and_round_trips_or_raises_a_named_protocol_error() =>
        Dictionaries(Gen.OneOf("http", "websocket", "lifespan", "https", ""), s_scopeKeys).Sample(output, "scope dictionaries", input =>
            ConvertsOrNamesTheFault(input, AsgiScopeConverter.FromDictionary, AsgiScopeConverter.ToDictionary));
}
