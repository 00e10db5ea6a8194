using AsgiBridge.Composition;
using AsgiBridge.Examples;
using AsgiBridge.Toolkit;

namespace MiddlewareDemo;

/// <summary>
/// The middleware demo: server errors, request logging, bearer authentication (HS256 JWTs) on <c>/api</c> and
/// background tasks, around an <see cref="AsgiBridge.Toolkit.AsgiRouter"/> with a signup endpoint that sends its welcome
/// email after the response.
/// </summary>
public partial class Program
{
    /// <summary>Runs the demo.</summary>
    /// <param name="args">Command-line arguments (for example <c>--urls http://127.0.0.1:5000</c>).</param>
    public static void Main(string[] args) => CreateApp(args).Run();

    /// <summary>Builds the demo application without starting it.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <returns>The application.</returns>
    public static WebApplication CreateApp(string[] args)
    {
        // Serilog on the console; the one line per request comes from the toolkit's UseRequestLogging below (the port
        // of the seed's LoggingMiddleware), so Serilog's own request logging is not added here.
        var builder = ExampleLogging.CreateBuilder(args);
        builder.Services.AddAsgi();
        builder.Services.AddAsgiBackgroundTasks(options => options.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton(services => DemoSettings.From(services.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddSingleton<WelcomeMailer>();

        var app = builder.Build();
        app.UseAsgi(pipeline => ConfigurePipeline(pipeline));
        return app;
    }

    /// <summary>
    /// Composes the demo's ASGI pipeline from the application's services: server errors, request logging, bearer
    /// authentication on <c>/api</c> (token in the header, or in <c>?token=</c> for WebSockets), background tasks, routes.
    /// </summary>
    /// <param name="pipeline">The pipeline to fill; its services must hold the demo's registrations.</param>
    /// <returns>The pipeline.</returns>
    public static AsgiPipelineBuilder ConfigurePipeline(AsgiPipelineBuilder pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var settings = pipeline.Services.GetRequiredService<DemoSettings>();
        var routes = new DemoRoutes(pipeline.Services.GetRequiredService<TokenIssuer>(), pipeline.Services.GetRequiredService<WelcomeMailer>());
        return pipeline
            .UseServerErrors()
            .UseRequestLogging()
            .UseBearerAuthentication(auth =>
            {
                auth.TokenValidationParameters = BearerAuthenticationOptions.Hs256(settings.SigningKey, settings.Issuer, settings.Audience);
                auth.ProtectedPathPrefixes.Add("/api");
                auth.QueryTokenParameter = "token";
            })
            .UseBackgroundTasks()
            .Run(routes.Build());
    }
}
