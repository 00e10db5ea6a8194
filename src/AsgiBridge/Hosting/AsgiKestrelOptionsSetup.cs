using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace AsgiBridge.Hosting;

/// <summary>
/// Lets Kestrel write response header values as Latin-1 bytes when nothing else chose an encoding for them. ASGI header
/// values are byte strings, and <see cref="AsgiHeaderRules"/> accepts every byte but control characters; Kestrel's
/// default would reject bytes above 0x7F. An encoding chosen by the application's own selector still wins.
/// </summary>
internal sealed class AsgiKestrelOptionsSetup : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions options)
    {
        var previous = options.ResponseHeaderEncodingSelector;
        options.ResponseHeaderEncodingSelector = name => previous?.Invoke(name) ?? Encoding.Latin1;
    }
}
