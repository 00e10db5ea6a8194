using System.Text.Json;
using System.Text.Json.Serialization;

namespace SseDemo;

/// <summary>The data of one <c>tick</c> event.</summary>
/// <param name="N">The tick number.</param>
/// <param name="Time">The server's UTC time of day.</param>
public sealed record Tick(long N, string Time);

/// <summary>Source-generated JSON metadata for <see cref="Tick"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Tick))]
public sealed partial class TickJson : JsonSerializerContext;
