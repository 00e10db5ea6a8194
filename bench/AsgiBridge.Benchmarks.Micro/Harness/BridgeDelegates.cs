using AsgiBridge.Benchmarks.Apps;
using AsgiBridge.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AsgiBridge.Benchmarks.Harness;

/// <summary>The two request delegates under comparison: raw <see cref="RawBenchApp"/> and <see cref="AsgiBenchApp"/> behind <c>UseAsgi</c>.</summary>
public static class BridgeDelegates
{
    /// <summary>The raw ASP.NET Core baseline.</summary>
    public static RequestDelegate Raw { get; } = RawBenchApp.HandleAsync;

    /// <summary>Builds the bridge's request delegate exactly as an application gets it: <c>UseAsgi</c> on an application builder.</summary>
    /// <returns>The request delegate.</returns>
    public static RequestDelegate CreateAsgi() => CreateAsgi(AsgiBenchApp.Run);

    /// <summary>The delegate <c>app.UseAsgi(asgiApp)</c> builds, for any of the benchmark's ASGI apps.</summary>
    /// <param name="asgiApp">The ASGI application.</param>
    /// <param name="configure">Bridge options, such as pooled request body buffers; <see langword="null"/> keeps the defaults.</param>
    /// <returns>The request delegate.</returns>
    public static RequestDelegate CreateAsgi(AsgiApp asgiApp, Action<AsgiOptions>? configure = null)
    {
        var services = new ServiceCollection().AddLogging().AddAsgi(configure ?? (_ => { })).BuildServiceProvider();
        var app = new ApplicationBuilder(services);
        app.UseAsgi(asgiApp);
        return app.Build();
    }

    /// <summary>Runs one request on <paramref name="context"/> and waits for it (everything completes synchronously here).</summary>
    /// <param name="handler">The request delegate.</param>
    /// <param name="context">The reusable context.</param>
    public static void Invoke(RequestDelegate handler, ReusableHttpContext context)
    {
        context.Prepare();
        var task = handler(context.Context);
        if (!task.IsCompletedSuccessfully)
        {
            task.GetAwaiter().GetResult();
        }
    }

    /// <summary>Runs one request and checks that it produced the expected response, so a broken setup cannot measure nothing.</summary>
    /// <param name="name">What is checked, for the error message.</param>
    /// <param name="handler">The request delegate.</param>
    /// <param name="context">The reusable context.</param>
    /// <param name="expectedBytes">The expected response body length.</param>
    public static void Verify(string name, RequestDelegate handler, ReusableHttpContext context, long expectedBytes)
    {
        Invoke(handler, context);
        var response = context.Context.Response;
        if (response.StatusCode != StatusCodes.Status200OK || context.ResponseBytes != expectedBytes || response.ContentLength != expectedBytes)
        {
            throw new InvalidOperationException(
                $"{name}: expected 200 with {expectedBytes} bytes, got {response.StatusCode} with {context.ResponseBytes} bytes (Content-Length {response.ContentLength}).");
        }
    }
}
