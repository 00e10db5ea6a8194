using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace AsgiBridge.Toolkit;

/// <summary>A JSON response (<c>application/json</c>), serialized with System.Text.Json when created.</summary>
public sealed class JsonResponse : BytesResponse
{
    private JsonResponse(byte[] json, int status)
        : base(json, status, "application/json")
    {
    }

    /// <summary>Creates a JSON response with source-generated metadata (trimming- and AOT-safe).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="typeInfo">The JSON type metadata.</param>
    /// <param name="status">The status code (default 200).</param>
    /// <returns>The response.</returns>
    public static JsonResponse Create<T>(T value, JsonTypeInfo<T> typeInfo, int status = 200) =>
        new(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), status);

    /// <summary>Creates a JSON response with reflection-based serialization (web defaults: camelCase).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="status">The status code (default 200).</param>
    /// <param name="options">Serializer options; default <see cref="JsonSerializerOptions.Web"/> with text written as UTF-8 and no HTML escaping, as starlette writes it.</param>
    /// <returns>The response.</returns>
    [RequiresUnreferencedCode("Reflection-based JSON; use the JsonTypeInfo overload for trimmed or AOT apps.")]
    [RequiresDynamicCode("Reflection-based JSON; use the JsonTypeInfo overload for trimmed or AOT apps.")]
    public static JsonResponse Create<T>(T value, int status = 200, JsonSerializerOptions? options = null) =>
        new(JsonSerializer.SerializeToUtf8Bytes(value, options ?? ToolkitJson.Options), status);

    /// <summary>Creates a JSON response from an already serialized UTF-8 document.</summary>
    /// <param name="utf8Json">The JSON bytes.</param>
    /// <param name="status">The status code (default 200).</param>
    /// <returns>The response.</returns>
    public static JsonResponse FromUtf8(byte[] utf8Json, int status = 200) => new(utf8Json, status);
}
