using System.Text;
using System.Threading.Channels;
using AsgiBridge.Messages;

namespace AsgiBridge.Toolkit.Tests.Middleware;

/// <summary>
/// A hand-written ASGI connection: <see cref="Receive"/> yields the messages pushed in (waiting when there are none),
/// <see cref="Send"/> records what the application sends.
/// </summary>
public sealed class ScriptedConnection
{
    private readonly Channel<AsgiMessage> _incoming = Channel.CreateUnbounded<AsgiMessage>();
    private readonly List<AsgiMessage> _sent = [];
    private readonly Lock _gate = new();

    public ScriptedConnection(params AsgiMessage[] incoming)
    {
        foreach (var message in incoming)
        {
            Push(message);
        }

        Receive = () => _incoming.Reader.ReadAsync();
        Send = message =>
        {
            lock (_gate)
            {
                _sent.Add(message);
            }

            return ValueTask.CompletedTask;
        };
    }

    /// <summary>An HTTP connection whose request has an empty body.</summary>
    public static ScriptedConnection Http() => new(new HttpRequestBody(ReadOnlyMemory<byte>.Empty, moreBody: false));

    /// <summary>A WebSocket connection that starts with <c>websocket.connect</c>.</summary>
    public static ScriptedConnection WebSocket() => new(WebSocketConnect.Instance);

    public AsgiReceive Receive { get; }

    public AsgiSend Send { get; }

    public IReadOnlyList<AsgiMessage> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    public HttpResponseStart? Start => Sent.OfType<HttpResponseStart>().SingleOrDefault();

    public string BodyText => Encoding.UTF8.GetString([.. Sent.OfType<HttpResponseBody>().SelectMany(b => b.Body.ToArray())]);

    public void Push(AsgiMessage message) => _incoming.Writer.TryWrite(message);
}
