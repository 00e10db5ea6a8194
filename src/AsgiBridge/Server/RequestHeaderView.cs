using System.Collections;
using Microsoft.Extensions.Primitives;

namespace AsgiBridge.Server;

/// <summary>
/// The <c>headers</c> key of a scope the bridge built: a lookup by name reads the request's own header collection
/// (nothing allocated), and the list of pairs is built only when the application enumerates or indexes it. Like every
/// scope key, it reads the request only while the connection is open: a list built during the connection stays readable.
/// </summary>
internal sealed class RequestHeaderView : IReadOnlyList<AsgiHeader>, IAsgiHeaderLookup
{
    private readonly HttpContextConnection _connection;
    private readonly int _generation;
    private IReadOnlyList<AsgiHeader>? _list;

    public RequestHeaderView(HttpContextConnection connection)
    {
        _connection = connection;
        _generation = connection.Generation;
    }

    public int Count => List.Count;

    private IReadOnlyList<AsgiHeader> List => _list ??= HttpContextScopeReader.Headers(Request("headers"));

    public AsgiHeader this[int index] => List[index];

    public string? GetFirst(string name)
    {
        if (_list is { } list)
        {
            return AsgiHeaderListExtensions.GetFirst(list, name);
        }

        var values = Values(name);
        return values.Count == 0 ? null : values[0];
    }

    public IReadOnlyList<string> GetAll(string name)
    {
        if (_list is { } list)
        {
            return AsgiHeaderListExtensions.GetAll(list, name);
        }

        var values = Values(name);
        return values.Count == 0 ? Array.Empty<string>() : Array.ConvertAll(values.ToArray(), static v => v ?? string.Empty);
    }

    public IEnumerator<AsgiHeader> GetEnumerator() => List.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private StringValues Values(string name) =>
        name.Length > 0 && name[0] == ':' ? StringValues.Empty : Request(name).Request.Headers[name];

    private Microsoft.AspNetCore.Http.HttpContext Request(string key) =>
        _connection.Generation == _generation && _connection.Transport is Microsoft.AspNetCore.Http.HttpContext context
            ? context
            : throw new ObjectDisposedException(nameof(HttpScope),
                $"The connection of this scope has ended and header '{key}' was not read while it was open; read the headers you keep during the connection.");
}
