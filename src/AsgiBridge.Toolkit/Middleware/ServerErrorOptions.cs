namespace AsgiBridge.Toolkit;

/// <summary>Options of <see cref="ServerErrorMiddleware"/>.</summary>
public sealed class ServerErrorOptions
{
    /// <summary>
    /// Whether the 500 response is the developer page (exception type, message and stack trace); <see langword="null"/>
    /// (the default) to show it only when the host environment is Development.
    /// </summary>
    public bool? ShowDeveloperPage { get; set; }

    /// <summary>The plain-text body of the 500 response when the developer page is not shown (default <c>Internal Server Error</c>).</summary>
    public string PlainTextBody { get; set; } = "Internal Server Error";
}
