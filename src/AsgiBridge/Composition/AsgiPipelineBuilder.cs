using Microsoft.Extensions.DependencyInjection;

namespace AsgiBridge.Composition;

/// <summary>
/// Composes ASGI middleware around an application, in the order written: the first <see cref="Use(AsgiMiddleware)"/>
/// is the outermost, <see cref="Run(AsgiApp)"/> sets the innermost application. The result is built once.
/// </summary>
public sealed class AsgiPipelineBuilder
{
    private readonly List<AsgiMiddleware> _middleware = [];
    private AsgiApp? _app;

    /// <summary>Creates a builder.</summary>
    /// <param name="services">The application's services, for middleware that needs them; optional.</param>
    public AsgiPipelineBuilder(IServiceProvider? services = null)
    {
        Services = services ?? EmptyServices.Instance;
    }

    /// <summary>The application's services.</summary>
    public IServiceProvider Services { get; }

    /// <summary>Adds a middleware function.</summary>
    /// <param name="middleware">A function from the next application to the wrapping application.</param>
    /// <returns>This builder.</returns>
    public AsgiPipelineBuilder Use(AsgiMiddleware middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        _middleware.Add(middleware);
        return this;
    }

    /// <summary>Adds a middleware written inline: it receives the connection and the next application.</summary>
    /// <param name="middleware">The middleware body.</param>
    /// <returns>This builder.</returns>
    public AsgiPipelineBuilder Use(Func<AsgiScope, AsgiReceive, AsgiSend, AsgiApp, Task> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        return Use(next => (scope, receive, send) => middleware(scope, receive, send, next));
    }

    /// <summary>Adds a class-based middleware instance.</summary>
    /// <param name="middleware">The middleware.</param>
    /// <returns>This builder.</returns>
    public AsgiPipelineBuilder Use(IAsgiMiddleware middleware) => Use(AsgiApps.FromObject(middleware));

    /// <summary>Adds a class-based middleware created once from <see cref="Services"/> (constructor injection).</summary>
    /// <typeparam name="TMiddleware">The middleware type.</typeparam>
    /// <param name="arguments">Constructor arguments not supplied by the container.</param>
    /// <returns>This builder.</returns>
    public AsgiPipelineBuilder Use<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicConstructors)] TMiddleware>(params object[] arguments)
        where TMiddleware : IAsgiMiddleware
        => Use(ActivatorUtilities.CreateInstance<TMiddleware>(Services, arguments));

    /// <summary>Sets the innermost application.</summary>
    /// <param name="app">The application.</param>
    /// <returns>This builder.</returns>
    public AsgiPipelineBuilder Run(AsgiApp app)
    {
        _app = app ?? throw new ArgumentNullException(nameof(app));
        return this;
    }

    /// <summary>Sets a class-based innermost application.</summary>
    /// <param name="app">The application.</param>
    /// <returns>This builder.</returns>
    public AsgiPipelineBuilder Run(IAsgiApplication app) => Run(AsgiApps.FromObject(app));

    /// <summary>Builds the composed application.</summary>
    /// <returns>The outermost application.</returns>
    /// <exception cref="InvalidOperationException">No application was set with <see cref="Run(AsgiApp)"/>.</exception>
    public AsgiApp Build()
    {
        var app = _app ?? throw new InvalidOperationException("The ASGI pipeline has no application: call Run(app) last.");
        for (var i = _middleware.Count - 1; i >= 0; i--)
        {
            app = _middleware[i](app);
        }

        return app;
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
