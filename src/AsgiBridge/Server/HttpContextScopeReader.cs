using System.Buffers;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace AsgiBridge.Server;

/// <summary>Reads the ASGI scope keys from an <see cref="HttpContext"/>; called lazily by <see cref="ConnectionScope"/> through <see cref="HttpContextConnection"/>.</summary>
internal static class HttpContextScopeReader
{
    public static string HttpVersion(HttpContext context)
    {
        var protocol = context.Request.Protocol;
        if (HttpProtocol.IsHttp11(protocol))
        {
            return "1.1";
        }

        if (HttpProtocol.IsHttp2(protocol))
        {
            return "2";
        }

        if (HttpProtocol.IsHttp10(protocol))
        {
            return "1.0";
        }

        if (HttpProtocol.IsHttp3(protocol))
        {
            return "3";
        }

        // Unknown protocol strings such as "HTTP/1.2" keep their version number.
        return protocol.StartsWith("HTTP/", StringComparison.OrdinalIgnoreCase) ? protocol[5..] : "1.1";
    }

    public static string Method(HttpContext context)
    {
        var method = context.Request.Method;
        foreach (var c in method)
        {
            if (char.IsAsciiLetterLower(c))
            {
                return method.ToUpperInvariant();
            }
        }

        return method;
    }

    public static string Path(HttpContext context)
    {
        var request = context.Request;
        var pathBase = request.PathBase.Value;
        var path = request.Path.Value;
        string full;
        if (string.IsNullOrEmpty(pathBase))
        {
            full = string.IsNullOrEmpty(path) ? "/" : path;
        }
        else
        {
            full = string.IsNullOrEmpty(path) ? pathBase : string.Concat(pathBase, path);
        }

        // Kestrel decodes every escape but %2F (and escapes that are not UTF-8) and removes the dot segments it sees, so a
        // '%' left in the path means it is not fully decoded. The spec wants it fully decoded (as uvicorn does): decode the
        // raw path then, with the dot segments that decoding %2F brings back removed (AsgiPathDecoder: ..%2F.. never
        // climbs). Should the result ever leave the mount it was routed by, Kestrel's form stays, %2F encoded.
        if (full.Contains('%', StringComparison.Ordinal))
        {
            return DecodeRawPath(context) is { } decoded && IsWithin(decoded, pathBase) ? decoded : full;
        }

        // Kestrel has removed the dot segments already; a server that does not (TestServer) gets them removed here.
        return full.Contains("/.", StringComparison.Ordinal) ? AsgiPathDecoder.Decode(Encoding.UTF8.GetBytes(full)) : full;
    }

    private static bool IsWithin(string path, string? pathBase) =>
        string.IsNullOrEmpty(pathBase)
        || (path.StartsWith(pathBase, StringComparison.OrdinalIgnoreCase) && (path.Length == pathBase.Length || path[pathBase.Length] == '/'));

    private static string? DecodeRawPath(HttpContext context) =>
        RawPath(context) is { IsEmpty: false } raw ? AsgiPathDecoder.Decode(raw.Span) : null;

    public static ReadOnlyMemory<byte>? RawPath(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target))
        {
            var request = context.Request;
            return Encoding.ASCII.GetBytes(request.PathBase.Add(request.Path).ToUriComponent());
        }

        var span = target.AsSpan();
        if (span[0] != '/' && span[0] != '*')
        {
            // Absolute-form target (http://host/path?query): the path starts after the authority.
            var schemeEnd = span.IndexOf("://", StringComparison.Ordinal);
            if (schemeEnd >= 0)
            {
                var afterScheme = span[(schemeEnd + 3)..];
                var slash = afterScheme.IndexOfAny('/', '?');
                span = slash < 0 ? "/" : afterScheme[slash..];
                if (span[0] == '?')
                {
                    span = ("/" + span.ToString()).AsSpan();
                }
            }
        }

        var query = span.IndexOf('?');
        if (query >= 0)
        {
            span = span[..query];
        }

        return Encoding.Latin1.GetBytes(span.ToString());
    }

    public static ReadOnlyMemory<byte> QueryString(HttpContext context)
    {
        var value = context.Request.QueryString.Value;
        if (string.IsNullOrEmpty(value) || value.Length == 1)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        return Encoding.Latin1.GetBytes(value, 1, value.Length - 1);
    }

    public static IReadOnlyList<AsgiHeader> Headers(HttpContext context)
    {
        var headers = context.Request.Headers;
        var count = headers.Count;
        if (count == 0)
        {
            return Array.Empty<AsgiHeader>();
        }

        // Copied into a pooled array: enumerating the server's header collection through the interface would allocate.
        var entries = ArrayPool<KeyValuePair<string, StringValues>>.Shared.Rent(count);
        try
        {
            headers.CopyTo(entries, 0);
            return Flatten(entries.AsSpan(0, count));
        }
        finally
        {
            ArrayPool<KeyValuePair<string, StringValues>>.Shared.Return(entries, clearArray: true);
        }
    }

    private static AsgiHeader[] Flatten(ReadOnlySpan<KeyValuePair<string, StringValues>> headers)
    {
        var total = 0;
        foreach (var header in headers)
        {
            total += header.Value.Count;
        }

        var list = new AsgiHeader[total];
        var index = 0;
        var hostIndex = -1;
        foreach (var header in headers)
        {
            var name = HeaderNameCase.ToLower(header.Key);
            if (name.Length > 0 && name[0] == ':')
            {
                continue;
            }

            if (hostIndex < 0 && string.Equals(name, "host", StringComparison.Ordinal))
            {
                hostIndex = index;
            }

            foreach (var value in header.Value)
            {
                list[index++] = new AsgiHeader(name, value ?? string.Empty);
            }
        }

        if (hostIndex > 0)
        {
            // The spec places :authority (which Kestrel reports as Host) at the start of the list.
            var host = list[hostIndex];
            Array.Copy(list, 0, list, 1, hostIndex);
            list[0] = host;
        }

        return index == list.Length ? list : list[..index];
    }

    public static AsgiAddress? Client(HttpContext context)
    {
        var connection = context.Connection;
        return ToEndpoint(connection.RemoteIpAddress, connection.RemotePort);
    }

    public static AsgiAddress? Server(HttpContext context)
    {
        var connection = context.Connection;
        return ToEndpoint(connection.LocalIpAddress, connection.LocalPort);
    }

    private static AsgiAddress? ToEndpoint(IPAddress? address, int port)
    {
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return new AsgiAddress(address.ToString(), port);
    }
}
