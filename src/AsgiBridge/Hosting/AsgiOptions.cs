namespace AsgiBridge;

/// <summary>Options of the ASGI bridge, registered with <c>services.AddAsgi(options =&gt; …)</c>.</summary>
public sealed class AsgiOptions
{
    /// <summary>
    /// Whether <c>UseAsgi</c> adds ASP.NET Core's WebSocket middleware itself (default <see langword="true"/>).
    /// Turn off when the pipeline already calls <c>UseWebSockets</c>.
    /// </summary>
    public bool EnableWebSockets { get; set; } = true;

    /// <summary>
    /// The body of the 500 response the bridge sends when the application fails before the response started
    /// (default <c>Internal Server Error</c>, as uvicorn sends).
    /// </summary>
    public string InternalServerErrorBody { get; set; } = "Internal Server Error";

    /// <summary>Lifespan protocol settings: mode (Auto, On, Off) and startup/shutdown timeouts.</summary>
    public AsgiLifespanOptions Lifespan { get; } = new();
}
