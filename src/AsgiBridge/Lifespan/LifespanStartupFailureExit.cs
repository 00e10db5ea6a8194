namespace AsgiBridge.Lifespan;

/// <summary>
/// Ends a process whose lifespan startup failed the way uvicorn does: with exit code 3 and the application's message,
/// instead of the runtime's crash (an unhandled-exception dump and exit 134). It acts only when the
/// <see cref="AsgiLifespanException"/> escapes the program unhandled (a plain <c>app.Run()</c>); a test or program that
/// catches it from <c>StartAsync</c> is unaffected.
/// </summary>
internal static class LifespanStartupFailureExit
{
    /// <summary>The exit code of a failed startup (uvicorn's <c>STARTUP_FAILURE</c>).</summary>
    public const int ExitCode = 3;

    private static int s_installed;

    /// <summary>Installs the handler once per process.</summary>
    public static void Install()
    {
        if (Interlocked.Exchange(ref s_installed, 1) == 0)
        {
            AppDomain.CurrentDomain.UnhandledException += static (_, e) =>
            {
                if (Find(e.ExceptionObject as Exception) is { } failure)
                {
                    Console.Error.WriteLine($"ASGI lifespan startup failed: {failure.Message} Exiting with code {ExitCode}.");
                    Environment.Exit(ExitCode);
                }
            };
        }
    }

    private static AsgiLifespanException? Find(Exception? exception) => exception switch
    {
        AsgiLifespanException failure => failure,
        AggregateException aggregate => aggregate.InnerExceptions.Select(Find).FirstOrDefault(static f => f is not null),
        { InnerException: { } inner } => Find(inner),
        _ => null,
    };
}
