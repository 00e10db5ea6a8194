namespace AsgiBridge;

/// <summary>
/// A network endpoint as ASGI describes <c>client</c> and <c>server</c>: a host (IPv4/IPv6 address, or a
/// unix socket path) and a port (<see langword="null"/> for unix sockets).
/// </summary>
/// <param name="Host">The address or socket path.</param>
/// <param name="Port">The TCP port, or <see langword="null"/> for a unix socket.</param>
public sealed record AsgiAddress(string Host, int? Port);
