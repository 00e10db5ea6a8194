namespace AsgiBridge.Toolkit;

/// <summary>How a route matches a connection.</summary>
public enum RouteMatch
{
    /// <summary>The route does not match.</summary>
    None,

    /// <summary>The path matches but something else does not (the HTTP method): a candidate for 405.</summary>
    Partial,

    /// <summary>The route matches.</summary>
    Full,
}
