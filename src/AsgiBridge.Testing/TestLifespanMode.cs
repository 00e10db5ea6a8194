namespace AsgiBridge.Testing;

/// <summary>How <see cref="AsgiTestClient.StartAsync"/> runs the application's lifespan protocol.</summary>
public enum TestLifespanMode
{
    /// <summary>
    /// Run lifespan; an application that raises before completing startup is treated as not supporting lifespan
    /// (the server's default). <c>lifespan.startup.failed</c> still fails the start.
    /// </summary>
    Auto,

    /// <summary>Run lifespan; any failure to complete startup, including an exception, fails the start.</summary>
    On,

    /// <summary>Do not run lifespan; scopes carry no <c>state</c>.</summary>
    Off,
}
