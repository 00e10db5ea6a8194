using System.Text;
using System.Text.Json;
using AsgiBridge.Composition;
using AsgiBridge.Conversion;
using Message = System.Collections.Generic.Dictionary<string, object?>;

namespace AsgiBridge.Seeds.Tests.Ports;

/// <summary>
/// Seed 002 "Hello ASGI": the ASGI 2 app that dumps its scope as JSON (python/seed002_hello_asgi.py). The scope's
/// dictionary form is serialised the way <c>json.dumps(scope, default=bytes.decode)</c> does: bytes become text,
/// tuples and lists arrays. Its last line sends <c>http.disconnect</c>, a receive event, so <c>send</c> raises after the
/// response completed, on uvicorn as here.
/// </summary>
internal static class Seed002HelloAsgi
{
    private static readonly JsonSerializerOptions s_json = new() { Converters = { new BytesAsText() } };

    /// <summary>The application.</summary>
    public static AsgiApp Asgi { get; } = AsgiApps.FromDoubleCallable(scope =>
    {
        async Task Chat(AsgiReceive receive, AsgiSend send)
        {
            await receive();
            await send.SendAsync(new Message
            {
                ["type"] = "http.response.start",
                ["status"] = 200,
                ["headers"] = new[] { new[] { "Content-Type"u8.ToArray(), "application/json"u8.ToArray() } },
            });
            await send.SendAsync(new Message
            {
                ["type"] = "http.response.body",
                ["body"] = JsonSerializer.SerializeToUtf8Bytes(AsgiScopeConverter.ToDictionary(scope), s_json),
            });
            await send.SendAsync(new Message
            {
                ["type"] = "http.disconnect",
            });
        }

        return Chat;
    });

    /// <summary><c>default=bytes.decode</c>.</summary>
    private sealed class BytesAsText : System.Text.Json.Serialization.JsonConverter<byte[]>
    {
        public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options) => writer.WriteStringValue(Encoding.UTF8.GetString(value));
    }
}
