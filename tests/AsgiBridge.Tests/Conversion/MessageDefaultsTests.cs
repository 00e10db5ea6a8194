using System.Collections.ObjectModel;
using System.Dynamic;
using AsgiBridge.Conversion;
using AsgiBridge.Messages;
using static AsgiBridge.Tests.Conversion.MessageSamples;

namespace AsgiBridge.Tests.Conversion;

/// <summary>Absent optional fields take the specification's defaults; every reasonable CLR shape of a Python value is accepted.</summary>
public sealed class MessageDefaultsTests
{
    private static T Read<T>(string type, params (string Key, object? Value)[] fields) where T : AsgiMessage =>
        Assert.IsType<T>(AsgiMessageConverter.FromDictionary(D(type, fields)));

    [Fact]
    public void Http_request_defaults_to_an_empty_final_chunk()
    {
        var m = Read<HttpRequestBody>("http.request");
        Assert.True(m.Body.IsEmpty);
        Assert.False(m.MoreBody);
    }

    [Fact]
    public void Response_start_defaults_to_no_headers_and_no_trailers()
    {
        var m = Read<HttpResponseStart>("http.response.start", ("status", 204));
        Assert.Equal(204, m.Status);
        Assert.Empty(m.Headers);
        Assert.False(m.Trailers);
    }

    [Fact]
    public void Response_body_trailers_and_denial_body_default_to_empty_and_final()
    {
        var body = Read<HttpResponseBody>("http.response.body");
        Assert.True(body.Body.IsEmpty);
        Assert.False(body.MoreBody);

        var trailers = Read<HttpResponseTrailers>("http.response.trailers");
        Assert.Empty(trailers.Headers);
        Assert.False(trailers.MoreTrailers);

        var denial = Read<WebSocketHttpResponseBody>("websocket.http.response.body");
        Assert.True(denial.Body.IsEmpty);
        Assert.False(denial.MoreBody);

        var denialStart = Read<WebSocketHttpResponseStart>("websocket.http.response.start", ("status", 403));
        Assert.Empty(denialStart.Headers);
    }

    [Fact]
    public void Accept_defaults_to_no_subprotocol_and_no_headers_and_accepts_subprotocol_none()
    {
        var m = Read<WebSocketAccept>("websocket.accept");
        Assert.Null(m.Subprotocol);
        Assert.Empty(m.Headers);
        Assert.Null(Read<WebSocketAccept>("websocket.accept", ("subprotocol", null)).Subprotocol);
    }

    [Fact]
    public void Close_defaults_to_1000_and_an_empty_reason_and_reason_none_means_empty()
    {
        var m = Read<WebSocketClose>("websocket.close");
        Assert.Equal(1000, m.Code);
        Assert.Equal(string.Empty, m.Reason);
        Assert.Equal(string.Empty, Read<WebSocketClose>("websocket.close", ("code", 1001), ("reason", null)).Reason);
    }

    [Fact]
    public void Disconnect_reason_missing_or_none_is_empty()
    {
        Assert.Equal(string.Empty, Read<WebSocketDisconnect>("websocket.disconnect", ("code", 1005)).Reason);
        Assert.Equal(string.Empty, Read<WebSocketDisconnect>("websocket.disconnect", ("code", 1005), ("reason", null)).Reason);
    }

    [Fact]
    public void Lifespan_failures_default_to_an_empty_message()
    {
        Assert.Equal(string.Empty, Read<LifespanStartupFailed>("lifespan.startup.failed").Message);
        Assert.Equal(string.Empty, Read<LifespanShutdownFailed>("lifespan.shutdown.failed").Message);
    }

    [Fact]
    public void Send_and_receive_accept_the_other_key_present_with_none()
    {
        var send = Read<WebSocketSend>("websocket.send", ("bytes", null), ("text", "hi"));
        Assert.Equal("hi", send.Text);
        Assert.Null(send.Bytes);

        var receive = Read<WebSocketReceive>("websocket.receive", ("bytes", new byte[] { 7 }), ("text", null));
        Assert.Equal(new byte[] { 7 }, receive.Bytes!.Value.ToArray());
        Assert.Null(receive.Text);
    }

    [Fact]
    public void Payload_free_messages_read_as_their_singletons()
    {
        Assert.Same(HttpDisconnect.Instance, AsgiMessageConverter.FromDictionary(D("http.disconnect")));
        Assert.Same(WebSocketConnect.Instance, AsgiMessageConverter.FromDictionary(D("websocket.connect")));
        Assert.Same(LifespanStartup.Instance, AsgiMessageConverter.FromDictionary(D("lifespan.startup")));
        Assert.Same(LifespanShutdownComplete.Instance, AsgiMessageConverter.FromDictionary(D("lifespan.shutdown.complete")));
    }

    [Fact]
    public void Unknown_extra_keys_are_ignored()
    {
        var m = Read<HttpResponseBody>("http.response.body", ("body", B("x")), ("future_field", new object()), ("another", null));
        Assert.Equal(B("x"), m.Body.ToArray());
    }

    public static TheoryData<object> Integers => new()
    {
        103, 103L, (short)103, (ushort)103, (byte)103, 103u, 103UL, (sbyte)103, (nint)103, (nuint)103, (Int128)103, (UInt128)103,
        new System.Numerics.BigInteger(103),
    };

    [Theory]
    [MemberData(nameof(Integers))]
    public void Any_integral_clr_type_is_accepted_as_an_int(object status)
    {
        var m = Read<HttpResponseStart>("http.response.start", ("status", status));
        Assert.Equal(103, m.Status);
    }

    [Fact]
    public void Bytes_may_be_given_as_memory_or_segment()
    {
        var data = new byte[] { 1, 2, 3, 4 };
        Assert.Equal(data, Read<HttpResponseBody>("http.response.body", ("body", new ReadOnlyMemory<byte>(data))).Body.ToArray());
        Assert.Equal(data, Read<HttpResponseBody>("http.response.body", ("body", new Memory<byte>(data))).Body.ToArray());
        Assert.Equal(new byte[] { 2, 3 }, Read<HttpResponseBody>("http.response.body", ("body", new ArraySegment<byte>(data, 1, 2))).Body.ToArray());
    }

    [Fact]
    public void Headers_may_be_arrays_tuples_or_lazy_sequences_of_pairs()
    {
        IReadOnlyList<AsgiHeader> expected = [new("a", "1"), new("b", "\u00ff")];
        object[] shapes =
        [
            new[] { new[] { B("a"), B("1") }, new[] { B("b"), B("\u00ff") } },
            new List<(byte[], byte[])> { (B("a"), B("1")), (B("b"), B("\u00ff")) },
            new object[] { new List<object?> { B("a"), B("1") }, Tuple.Create(B("b"), B("\u00ff")) },
            new[] { ("a", "1"), ("b", "\u00ff") }.Select(p => new object[] { B(p.Item1), B(p.Item2) }),
        ];
        foreach (var headers in shapes)
        {
            Assert.Equal(expected, Read<HttpResponseStart>("http.response.start", ("status", 200), ("headers", headers)).Headers);
        }
    }

    [Fact]
    public void Input_may_be_any_string_keyed_dictionary_interface()
    {
        IDictionary<string, object?> expando = new ExpandoObject();
        expando["type"] = "http.response.start";
        expando["status"] = 302;
        Assert.Equal(302, Assert.IsType<HttpResponseStart>(AsgiMessageConverter.FromDictionary(expando)).Status);

        IReadOnlyDictionary<string, object?> readOnly = new ReadOnlyDictionary<string, object?>(D("websocket.close", ("code", 4000)));
        Assert.Equal(4000, Assert.IsType<WebSocketClose>(AsgiMessageConverter.FromDictionary(readOnly)).Code);
    }

    [Fact]
    public void Debug_info_may_be_a_non_generic_dictionary_with_string_keys()
    {
        var info = new Dictionary<string, string> { ["k"] = "v" };
        var m = Read<HttpResponseDebug>("http.response.debug", ("info", info));
        Assert.Equal("v", m.Info["k"]);
    }
}
