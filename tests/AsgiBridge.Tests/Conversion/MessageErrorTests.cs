using AsgiBridge.Conversion;
using AsgiBridge.Messages;
using static AsgiBridge.Tests.Conversion.MessageSamples;

namespace AsgiBridge.Tests.Conversion;

/// <summary>Every invalid message raises <see cref="AsgiProtocolException"/> naming the message type and the field.</summary>
public sealed class MessageErrorTests
{
    private static AsgiProtocolException Fails(Dictionary<string, object?> message, string? type, string field, string fragment)
    {
        var ex = Assert.Throws<AsgiProtocolException>(() => AsgiMessageConverter.FromDictionary(message));
        Assert.Equal(type, ex.MessageType);
        Assert.Equal(field, ex.Field);
        if (type is not null)
        {
            Assert.Contains($"'{type}'", ex.Message, StringComparison.Ordinal);
        }

        Assert.Contains($"'{field}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        return ex;
    }

    [Fact]
    public void Unknown_type_is_named()
    {
        Fails(D("http.response.teapot"), "http.response.teapot", "type", "unknown ASGI message type");
    }

    [Fact]
    public void Zerocopysend_is_reported_as_unsupported()
    {
        Fails(D("http.response.zerocopysend", ("file", 3)), "http.response.zerocopysend", "type", "not supported");
    }

    [Fact]
    public void Missing_or_non_string_type_is_an_error()
    {
        Fails(new Dictionary<string, object?> { ["status"] = 200 }, null, "type", "must have a 'type'");
        Fails(new Dictionary<string, object?> { ["type"] = 42 }, null, "type", "must be str, got int");
    }

    public static TheoryData<string, string, (string, object?)[]> MissingFields => new()
    {
        { "http.response.start", "status", [("headers", H())] },
        { "http.response.pathsend", "path", [] },
        { "http.response.early_hint", "links", [] },
        { "http.response.push", "path", [("headers", H())] },
        { "http.response.push", "headers", [("path", "/x")] },
        { "http.response.debug", "info", [] },
        { "websocket.disconnect", "code", [("reason", "bye")] },
        { "websocket.http.response.start", "status", [] },
    };

    [Theory]
    [MemberData(nameof(MissingFields))]
    public void Missing_required_field_is_named(string type, string field, (string, object?)[] fields)
    {
        Fails(D(type, fields), type, field, "is required but missing");
    }

    public static TheoryData<string, string, object?, string> WrongTypes => new()
    {
        { "http.response.start", "status", true, "got bool" },
        { "http.response.start", "status", 200.0, "got float (Double)" },
        { "http.response.start", "status", 200f, "got float (Single)" },
        { "http.response.start", "status", 200m, "got float (Decimal)" },
        { "http.response.start", "status", "200", "got str" },
        { "http.response.start", "status", null, "got None" },
        { "http.response.start", "status", 1L << 40, "out of range" },
        { "http.response.start", "status", ulong.MaxValue, "out of range" },
        { "http.response.start", "status", UInt128.MaxValue, "out of range" },
        { "http.response.start", "status", System.Numerics.BigInteger.Pow(10, 30), "out of range" },
        { "http.response.start", "status", -(Int128)int.MaxValue - 2, "out of range" },
        { "http.response.start", "status", 'A', "expected int, got Char" },
        { "http.response.start", "trailers", 1, "expected bool, got int" },
        { "http.response.start", "headers", null, "got None" },
        { "http.response.start", "headers", "content-type: text/plain", "got str" },
        { "http.response.body", "body", "hello", "expected bytes, got str" },
        { "http.response.body", "body", null, "expected bytes, got None" },
        { "http.response.body", "more_body", null, "expected bool, got None" },
        { "http.response.body", "more_body", "yes", "expected bool, got str" },
        { "http.request", "body", new List<object?> { 1, 2 }, "expected bytes, got list" },
        { "http.response.trailers", "more_trailers", 0, "expected bool" },
        { "http.response.pathsend", "path", B("/x"), "expected str, got bytes" },
        { "http.response.push", "path", null, "expected str, got None" },
        { "http.response.debug", "info", new List<object?>(), "expected dict" },
        { "websocket.accept", "subprotocol", 5, "expected str, got int" },
        { "websocket.close", "code", null, "expected int, got None" },
        { "websocket.close", "code", "1000", "expected int, got str" },
        { "websocket.close", "reason", 7, "expected str, got int" },
        { "websocket.disconnect", "reason", B("x"), "expected str, got bytes" },
        { "lifespan.startup.failed", "message", null, "expected str, got None" },
        { "lifespan.shutdown.failed", "message", 3, "expected str, got int" },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public void Wrong_value_type_is_named(string type, string field, object? value, string fragment)
    {
        var fields = new List<(string, object?)> { (field, value) };
        if (type.EndsWith("start", StringComparison.Ordinal) && field != "status")
        {
            fields.Add(("status", 200));
        }

        if (type == "websocket.disconnect")
        {
            fields.Add(("code", 1000));
        }

        Fails(D(type, [.. fields]), type, field, fragment);
    }

    public static TheoryData<object, string> BadHeaders => new()
    {
        { new List<object?> { new List<object?> { "content-type", "text/plain" } }, "name of header 0 must be bytes, got str" },
        { new List<object?> { new List<object?> { B("content-type"), "text/plain" } }, "value of header 0 must be bytes, got str" },
        { new List<object?> { new List<object?> { B("a"), B("1"), B("extra") } }, "item 0 must be a [name, value] pair" },
        { new List<object?> { new List<object?> { B("a"), B("1") }, B("b") }, "item 1 must be a [name, value] pair of bytes, got bytes" },
        { new List<object?> { null }, "item 0 must be a [name, value] pair of bytes, got None" },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void Malformed_headers_are_named(object headers, string fragment)
    {
        Fails(D("http.response.start", ("status", 200), ("headers", headers)), "http.response.start", "headers", fragment);
        Fails(D("websocket.accept", ("headers", headers)), "websocket.accept", "headers", fragment);
        Fails(D("http.response.trailers", ("headers", headers)), "http.response.trailers", "headers", fragment);
    }

    [Fact]
    public void Early_hint_links_must_be_bytes()
    {
        Fails(D("http.response.early_hint", ("links", new List<object?> { "</a.css>; rel=preload" })), "http.response.early_hint", "links", "item 0 must be bytes, got str");
        Fails(D("http.response.early_hint", ("links", B("</a.css>"))), "http.response.early_hint", "links", "expected a list of bytes, got bytes");
    }

    [Theory]
    [InlineData("websocket.send")]
    [InlineData("websocket.receive")]
    public void Send_and_receive_need_exactly_one_of_bytes_and_text(string type)
    {
        Fails(D(type), type, "bytes/text", "neither");
        Fails(D(type, ("bytes", null), ("text", null)), type, "bytes/text", "neither");
        Fails(D(type, ("bytes", B("x")), ("text", "x")), type, "bytes/text", "both");
        Fails(D(type, ("bytes", "x")), type, "bytes", "expected bytes, got str");
        Fails(D(type, ("text", B("x"))), type, "text", "expected str, got bytes");
    }

    [Fact]
    public void Typed_send_with_both_or_neither_payload_has_no_dictionary_form()
    {
        var both = Assert.Throws<AsgiProtocolException>(() => AsgiMessageConverter.ToDictionary(new WebSocketSend(B("x"), "x")));
        Assert.Equal(("websocket.send", "bytes/text"), (both.MessageType, both.Field));
        var neither = Assert.Throws<AsgiProtocolException>(() => AsgiMessageConverter.ToDictionary(new WebSocketSend(null, null)));
        Assert.Contains("neither", neither.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Typed_header_or_link_above_U00FF_is_not_silently_mangled()
    {
        var header = Assert.Throws<AsgiProtocolException>(() => AsgiMessageConverter.ToDictionary(new HttpResponseStart(200, [new("x-name", "\u20ac")])));
        Assert.Equal(("http.response.start", "headers"), (header.MessageType, header.Field));
        Assert.Contains("U+20AC", header.Message, StringComparison.Ordinal);

        var link = Assert.Throws<AsgiProtocolException>(() => AsgiMessageConverter.ToDictionary(new HttpResponseEarlyHint(["</\u20ac>"])));
        Assert.Equal(("http.response.early_hint", "links"), (link.MessageType, link.Field));
    }

    [Fact]
    public void A_message_class_outside_the_specification_has_no_dictionary_form()
    {
        var ex = Assert.Throws<AsgiProtocolException>(() => AsgiMessageConverter.ToDictionary(new CustomMessage()));
        Assert.Equal("custom.thing", ex.MessageType);
        Assert.Contains(nameof(CustomMessage), ex.Message, StringComparison.Ordinal);
    }

    private sealed class CustomMessage : AsgiMessage
    {
        public override string Type => "custom.thing";
    }
}
