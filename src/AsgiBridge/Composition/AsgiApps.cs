namespace AsgiBridge.Composition;

/// <summary>Turns the other application shapes into an <see cref="AsgiApp"/>.</summary>
public static class AsgiApps
{
    /// <summary>Adapts a class-based application.</summary>
    /// <param name="application">The application object.</param>
    /// <returns>The application as a delegate.</returns>
    public static AsgiApp FromObject(IAsgiApplication application)
    {
        ArgumentNullException.ThrowIfNull(application);
        return application.InvokeAsync;
    }

    /// <summary>Adapts a per-connection class: <paramref name="factory"/> creates one handler per connection from its scope.</summary>
    /// <typeparam name="THandler">The handler type.</typeparam>
    /// <param name="factory">Creates the handler for a scope.</param>
    /// <returns>The application as a delegate.</returns>
    public static AsgiApp PerConnection<THandler>(Func<AsgiScope, THandler> factory)
        where THandler : IAsgiConnectionHandler
    {
        ArgumentNullException.ThrowIfNull(factory);
        return (scope, receive, send) => factory(scope).RunAsync(receive, send);
    }

    /// <summary>Adapts an ASGI 2 style double callable: <c>application(scope)</c> returns <c>instance(receive, send)</c>.</summary>
    /// <param name="application">The double callable.</param>
    /// <returns>The application as an ASGI 3 delegate.</returns>
    public static AsgiApp FromDoubleCallable(Func<AsgiScope, Func<AsgiReceive, AsgiSend, Task>> application)
    {
        ArgumentNullException.ThrowIfNull(application);
        return (scope, receive, send) => application(scope)(receive, send);
    }

    /// <summary>Adapts a class-based middleware to the delegate form.</summary>
    /// <param name="middleware">The middleware object.</param>
    /// <returns>The middleware as a delegate.</returns>
    public static AsgiMiddleware FromObject(IAsgiMiddleware middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        return next => (scope, receive, send) => middleware.InvokeAsync(scope, receive, send, next);
    }
}
