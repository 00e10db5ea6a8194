using AsgiBridge.Examples;
using AsgiBridge.Lifespan;

namespace DatabaseDemo;

/// <summary>
/// The database pool of seed 003, ported: <see cref="UsersApp"/> opens a connection pool on <c>lifespan.startup</c>,
/// shares it with every request through <c>scope.State["db"]</c>, and closes it on <c>lifespan.shutdown</c>. SQLite (a
/// file) by default; PostgreSQL when <c>ConnectionStrings:Postgres</c> is set.
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
        var builder = ExampleLogging.CreateBuilder(args);

        // On: a pool that cannot be opened stops the host (exit code 3) instead of serving 500s.
        builder.Services.AddAsgi(options => options.Lifespan.Mode = LifespanMode.On);

        var app = builder.Build();
        var database = DatabaseSettings.From(app.Configuration);
        var users = new UsersApp(database, app.Services.GetRequiredService<ILogger<UsersApp>>());
        app.UseExampleRequestLogging();
        app.UseAsgi(users.Run);
        return app;
    }
}
