using System.Collections.ObjectModel;
using AsgiBridge.Conversion;

namespace AsgiBridge.Conversion;

/// <summary>
/// Converts connection scopes between the typed classes (<see cref="HttpScope"/>, <see cref="WebSocketScope"/>,
/// <see cref="LifespanScope"/>) and the dictionary form of the specification. Converting a scope to a dictionary and
/// back gives a scope whose dictionary form is equal, including header bytes 0x80–0xFF and an empty versus an absent
/// <c>raw_path</c>.
/// </summary>
/// <remarks>
/// <para>
/// The dictionary form holds every specification key the scope has (a key whose value is unknown, such as an absent
/// <c>raw_path</c>, <c>client</c> or <c>state</c>, is left out), in the specification's shapes: <c>asgi</c> as
/// <c>{"version", "spec_version"}</c>, byte strings as <c>byte[]</c>, <c>headers</c> as a list of
/// <c>[name, value]</c> byte-string lists, <c>client</c>/<c>server</c> as <c>[host, port]</c> lists. <c>state</c> is
/// the scope's own dictionary (not a copy), so a dict-style application writing into it writes into the scope's
/// state; <c>extensions</c> is a new dictionary holding the scope's extension entries. Custom keys from
/// <see cref="AsgiScope.Items"/> are added as they are.
/// </para>
/// <para>
/// Reading requires the keys the specification requires (for example <c>method</c>, <c>path</c>, <c>query_string</c>
/// and <c>headers</c> of an http scope), applies the specification's defaults to absent optional keys, and puts every
/// key that is not a specification key of that scope type into <see cref="AsgiScope.Items"/> unchanged.
/// </para>
/// </remarks>
public static class AsgiScopeConverter
{
    /// <summary>Converts a scope to its dictionary form.</summary>
    /// <param name="scope">The scope.</param>
    /// <returns>A new dictionary with the scope's specification keys and custom keys.</returns>
    /// <exception cref="AsgiProtocolException">A header holds a character above U+00FF, so it is not a byte string.</exception>
    public static Dictionary<string, object?> ToDictionary(AsgiScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var d = new Dictionary<string, object?>(16, StringComparer.Ordinal);
        foreach (var key in scope.Keys.Keys)
        {
            if (key.IsPresent(scope))
            {
                d[key.Name] = key.Get(scope);
            }
        }

        foreach (var item in scope.Items)
        {
            d.TryAdd(item.Key, item.Value);
        }

        return d;
    }

    /// <summary>Converts a scope in dictionary form to the typed scope of its <c>type</c>.</summary>
    /// <param name="scope">The scope: <c>"type"</c> is <c>"http"</c>, <c>"websocket"</c> or <c>"lifespan"</c>.</param>
    /// <returns>An <see cref="HttpScope"/>, <see cref="WebSocketScope"/> or <see cref="LifespanScope"/>.</returns>
    /// <exception cref="AsgiProtocolException">The type is unknown, a required key is missing or a key has the wrong type; the message names the key.</exception>
    public static AsgiScope FromDictionary(IReadOnlyDictionary<string, object?> scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (!scope.TryGetValue("type", out var typeValue) || typeValue is not string type)
        {
            throw new AsgiProtocolException(null, "type", scope.ContainsKey("type")
                ? $"an ASGI scope must have a str 'type', got {DictionaryValueReader.Describe(typeValue)}."
                : "an ASGI scope must have a str 'type', but the key is missing.");
        }

        AsgiScope result = type switch
        {
            AsgiScopeTypes.Http => new HttpScope(),
            AsgiScopeTypes.WebSocket => new WebSocketScope(),
            AsgiScopeTypes.Lifespan => new LifespanScope(),
            _ => throw new AsgiProtocolException(null, "type", $"unknown ASGI scope type '{type}'; expected 'http', 'websocket' or 'lifespan'."),
        };

        var f = DictionaryFieldReader.ForScope(scope, type);
        var keys = result.Keys;
        foreach (var key in keys.Keys)
        {
            key.Read(f, result);
        }

        foreach (var entry in scope)
        {
            if (!keys.Contains(entry.Key))
            {
                result.Items[entry.Key] = entry.Value;
            }
        }

        return result;
    }

    /// <inheritdoc cref="FromDictionary(IReadOnlyDictionary{string, object?})"/>
    public static AsgiScope FromDictionary(IDictionary<string, object?> scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return FromDictionary(scope as IReadOnlyDictionary<string, object?> ?? new ReadOnlyDictionary<string, object?>(scope));
    }

    /// <inheritdoc cref="FromDictionary(IReadOnlyDictionary{string, object?})"/>
    public static AsgiScope FromDictionary(Dictionary<string, object?> scope) => FromDictionary((IReadOnlyDictionary<string, object?>)scope);
}
