using System.Text.Encodings.Web;
using System.Text.Json;

namespace AsgiBridge.Toolkit;

/// <summary>
/// The JSON the toolkit writes when the caller passes no options: <see cref="JsonSerializerOptions.Web"/> (camelCase)
/// with text as UTF-8 rather than <c>\uXXXX</c> escapes and without HTML escaping — the bytes starlette writes
/// (<c>json.dumps(..., ensure_ascii=False)</c> in <c>JSONResponse</c> and <c>WebSocket.send_json</c>). A body served as
/// <c>application/json</c> or a WebSocket frame is not HTML, so the escaping that guards JSON inlined in a page does not
/// apply; callers who inline it pass their own options.
/// </summary>
internal static class ToolkitJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
