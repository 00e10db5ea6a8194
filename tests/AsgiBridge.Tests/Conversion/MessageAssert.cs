using AsgiBridge.Messages;

namespace AsgiBridge.Tests.Conversion;

/// <summary>Field-by-field equality of typed messages.</summary>
internal static class MessageAssert
{
    public static void Equal(AsgiMessage expected, AsgiMessage actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(expected.Type, actual.Type);
        switch (expected)
        {
            case HttpRequestBody e:
                var a1 = (HttpRequestBody)actual;
                Bytes(e.Body, a1.Body);
                Assert.Equal(e.MoreBody, a1.MoreBody);
                break;
            case HttpResponseStart e:
                var a2 = (HttpResponseStart)actual;
                Assert.Equal(e.Status, a2.Status);
                Assert.Equal(e.Headers, a2.Headers);
                Assert.Equal(e.Trailers, a2.Trailers);
                break;
            case HttpResponseBody e:
                var a3 = (HttpResponseBody)actual;
                Bytes(e.Body, a3.Body);
                Assert.Equal(e.MoreBody, a3.MoreBody);
                break;
            case HttpResponseTrailers e:
                var a4 = (HttpResponseTrailers)actual;
                Assert.Equal(e.Headers, a4.Headers);
                Assert.Equal(e.MoreTrailers, a4.MoreTrailers);
                break;
            case HttpResponsePathSend e:
                Assert.Equal(e.Path, ((HttpResponsePathSend)actual).Path);
                break;
            case HttpResponseEarlyHint e:
                Assert.Equal(e.Links, ((HttpResponseEarlyHint)actual).Links);
                break;
            case HttpResponsePush e:
                var a5 = (HttpResponsePush)actual;
                Assert.Equal(e.Path, a5.Path);
                Assert.Equal(e.Headers, a5.Headers);
                break;
            case HttpResponseDebug e:
                DictionaryAssert.DeepEqual(new Dictionary<string, object?>(e.Info), new Dictionary<string, object?>(((HttpResponseDebug)actual).Info));
                break;
            case WebSocketAccept e:
                var a6 = (WebSocketAccept)actual;
                Assert.Equal(e.Subprotocol, a6.Subprotocol);
                Assert.Equal(e.Headers, a6.Headers);
                break;
            case WebSocketReceive e:
                var a7 = (WebSocketReceive)actual;
                NullableBytes(e.Bytes, a7.Bytes);
                Assert.Equal(e.Text, a7.Text);
                break;
            case WebSocketSend e:
                var a8 = (WebSocketSend)actual;
                NullableBytes(e.Bytes, a8.Bytes);
                Assert.Equal(e.Text, a8.Text);
                break;
            case WebSocketDisconnect e:
                var a9 = (WebSocketDisconnect)actual;
                Assert.Equal(e.Code, a9.Code);
                Assert.Equal(e.Reason, a9.Reason);
                break;
            case WebSocketClose e:
                var a10 = (WebSocketClose)actual;
                Assert.Equal(e.Code, a10.Code);
                Assert.Equal(e.Reason, a10.Reason);
                break;
            case WebSocketHttpResponseStart e:
                var a11 = (WebSocketHttpResponseStart)actual;
                Assert.Equal(e.Status, a11.Status);
                Assert.Equal(e.Headers, a11.Headers);
                break;
            case WebSocketHttpResponseBody e:
                var a12 = (WebSocketHttpResponseBody)actual;
                Bytes(e.Body, a12.Body);
                Assert.Equal(e.MoreBody, a12.MoreBody);
                break;
            case LifespanStartupFailed e:
                Assert.Equal(e.Message, ((LifespanStartupFailed)actual).Message);
                break;
            case LifespanShutdownFailed e:
                Assert.Equal(e.Message, ((LifespanShutdownFailed)actual).Message);
                break;
            case HttpDisconnect or WebSocketConnect or LifespanStartup or LifespanStartupComplete or LifespanShutdown or LifespanShutdownComplete:
                Assert.Same(expected, actual);
                break;
            default:
                Assert.Fail($"MessageAssert does not know {expected.GetType().Name}; add it.");
                break;
        }
    }

    private static void Bytes(ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> actual) =>
        Assert.True(expected.Span.SequenceEqual(actual.Span), $"bytes differ: [{Convert.ToHexString(expected.Span)}] vs [{Convert.ToHexString(actual.Span)}]");

    private static void NullableBytes(ReadOnlyMemory<byte>? expected, ReadOnlyMemory<byte>? actual)
    {
        Assert.Equal(expected.HasValue, actual.HasValue);
        if (expected is { } e)
        {
            Bytes(e, actual!.Value);
        }
    }
}
