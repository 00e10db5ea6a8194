using AsgiBridge.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AsgiBridge.Lifespan;

/// <summary>
/// Every ASGI application that <c>UseAsgi</c>/<c>MapAsgi</c> mounted in this host, one <see cref="AppLifespan"/> per
/// distinct application (delegates that are equal — the same method on the same target — count as one). The lifespan
/// service takes the list when host startup begins; an application registered after that is started at once.
/// </summary>
internal sealed class AsgiAppRegistry
{
    private readonly object _lock = new();
    private readonly Dictionary<AsgiApp, AppLifespan> _byApp = [];
    private readonly List<AppLifespan> _apps = [];
    private readonly ILogger _logger;
    private Action<AppLifespan>? _startLate;

    public AsgiAppRegistry(ILoggerFactory? loggerFactory = null)
    {
        _logger = loggerFactory?.CreateLogger(AsgiLog.LifespanCategory) ?? NullLogger.Instance;
    }

    /// <summary>Registers an application, or returns its existing registration.</summary>
    /// <param name="app">The ASGI application.</param>
    /// <returns>The application's lifespan, which is also the state source for its connections.</returns>
    public AppLifespan Register(AsgiApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        AppLifespan lifespan;
        Action<AppLifespan>? startLate;
        lock (_lock)
        {
            if (_byApp.TryGetValue(app, out var existing))
            {
                return existing;
            }

            startLate = _startLate;
            lifespan = new AppLifespan(app, $"#{_apps.Count + 1} ({DescribeApp(app)})", registeredLate: startLate is not null);
            _byApp.Add(app, lifespan);
            _apps.Add(lifespan);
        }

        if (startLate is not null)
        {
            AsgiLog.LifespanLateRegistration(_logger, lifespan.Name);
            startLate(lifespan);
        }

        return lifespan;
    }

    /// <summary>
    /// A readable name for an application in logs: <c>ChatApp.InvokeAsync</c> for a method, <c>Program.Main (lambda)</c>
    /// for a lambda or local function, instead of the compiler's <c>&lt;&gt;c__DisplayClass3_1.&lt;Main&gt;b__0</c>.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The name.</returns>
    internal static string DescribeApp(AsgiApp app)
    {
        var method = app.Method;
        var type = method.DeclaringType;
        while (type is not null && type.Name.Contains('<', StringComparison.Ordinal) && type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        var typeName = type?.Name ?? "?";
        var name = method.Name;
        var open = name.IndexOf('<', StringComparison.Ordinal);
        if (open < 0)
        {
            return $"{typeName}.{name}";
        }

        var close = name.IndexOf('>', open + 1);
        var enclosing = close > open + 1 ? name[(open + 1)..close] : "?";
        return $"{typeName}.{enclosing} (lambda)";
    }

    /// <summary>
    /// Returns the applications registered so far; every later registration is passed to <paramref name="startLate"/>.
    /// </summary>
    /// <param name="startLate">Starts the lifespan of an application registered from now on.</param>
    /// <returns>The applications registered so far, in registration order.</returns>
    public IReadOnlyList<AppLifespan> Seal(Action<AppLifespan> startLate)
    {
        lock (_lock)
        {
            _startLate = startLate;
            return [.. _apps];
        }
    }
}
