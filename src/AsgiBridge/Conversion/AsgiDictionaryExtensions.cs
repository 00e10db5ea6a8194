using AsgiBridge.Messages;

namespace AsgiBridge.Conversion;

/// <summary>
/// Lets code ported line by line from a Python ASGI application send and receive messages as dictionaries:
/// <c>await send.SendAsync(new Dictionary&lt;string, object?&gt; { ["type"] = "http.response.start", ["status"] = 200 })</c>
/// and <c>var message = await receive.ReceiveDictionaryAsync();</c>. See <see cref="AsgiMessageConverter"/> for the
/// accepted value types.
/// </summary>
public static class AsgiDictionaryExtensions
{
    /// <summary>Sends a message given in dictionary form.</summary>
    /// <param name="send">The ASGI send callable.</param>
    /// <param name="message">The message: <c>"type"</c> plus the fields of that type.</param>
    /// <returns>The send operation.</returns>
    /// <exception cref="AsgiProtocolException">The dictionary is not a valid message (thrown before anything is sent).</exception>
    public static ValueTask SendAsync(this AsgiSend send, IReadOnlyDictionary<string, object?> message)
    {
        ArgumentNullException.ThrowIfNull(send);
        return send(AsgiMessageConverter.FromDictionary(message));
    }

    /// <inheritdoc cref="SendAsync(AsgiSend, IReadOnlyDictionary{string, object?})"/>
    public static ValueTask SendAsync(this AsgiSend send, IDictionary<string, object?> message)
    {
        ArgumentNullException.ThrowIfNull(send);
        return send(AsgiMessageConverter.FromDictionary(message));
    }

    /// <inheritdoc cref="SendAsync(AsgiSend, IReadOnlyDictionary{string, object?})"/>
    public static ValueTask SendAsync(this AsgiSend send, Dictionary<string, object?> message)
    {
        ArgumentNullException.ThrowIfNull(send);
        return send(AsgiMessageConverter.FromDictionary(message));
    }

    /// <summary>Receives the next message in dictionary form.</summary>
    /// <param name="receive">The ASGI receive callable.</param>
    /// <returns>The message as a new dictionary (see <see cref="AsgiMessageConverter.ToDictionary"/>).</returns>
    public static ValueTask<Dictionary<string, object?>> ReceiveDictionaryAsync(this AsgiReceive receive)
    {
        ArgumentNullException.ThrowIfNull(receive);
        var pending = receive();
        return pending.IsCompletedSuccessfully
            ? new ValueTask<Dictionary<string, object?>>(AsgiMessageConverter.ToDictionary(pending.Result))
            : Await(pending);

        static async ValueTask<Dictionary<string, object?>> Await(ValueTask<AsgiMessage> pending) =>
            AsgiMessageConverter.ToDictionary(await pending.ConfigureAwait(false));
    }
}
