using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace AsgiBridge.Hosting;

/// <summary>
/// Makes Kestrel carry header bytes unchanged both ways, as ASGI header values are byte strings: request header values
/// are decoded as Latin-1 (Kestrel's default is UTF-8, which would turn <c>\xc3\xa3</c> into one character and change the
/// bytes the scope reports), and response header values are written as Latin-1 (Kestrel's default rejects bytes above
/// 0x7F). An encoding chosen by the application's own selector still wins.
/// </summary>
internal sealed class AsgiKestrelOptionsSetup : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions options)
    {
        var response = options.ResponseHeaderEncodingSelector;
        options.ResponseHeaderEncodingSelector = name => response?.Invoke(name) ?? Encoding.Latin1;
        var request = options.RequestHeaderEncodingSelector;
        options.RequestHeaderEncodingSelector = name => request?.Invoke(name) ?? Encoding.Latin1;
    }
}
