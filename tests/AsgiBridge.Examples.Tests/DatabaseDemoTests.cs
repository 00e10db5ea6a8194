using System.Net;
using System.Text.Json;
using AsgiBridge.Lifespan;
using AsgiBridge.Testing;
using AsgiBridge.TestInfrastructure.Logging;
using DatabaseDemo;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AsgiBridge.Examples.Tests;

/// <summary>Seed 003's database pool on SQLite: opened on lifespan startup, shared through state, closed on shutdown.</summary>
[Collection(nameof(WebApplicationFactoryGroup))]
public sealed class DatabaseDemoTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "asgi-db-tests-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly TestLogSink _sink = new();

    private string ConnectionString => $"Data Source={Path.Combine(_directory, "users.db")}";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    internal static WebApplicationFactory<DatabaseDemo.Program> Factory(string key, string connectionString, TestLogSink sink) =>
        new WebApplicationFactory<DatabaseDemo.Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting($"ConnectionStrings:{key}", connectionString);
            builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(sink));
        });

    /// <summary>Starts the demo on Kestrel (port 0) as Main does and returns why host start failed.</summary>
    internal static async Task<AsgiLifespanException> StartFailsAsync(string key, string connectionString)
    {
        await using var app = DatabaseDemo.Program.CreateApp(["--urls", "http://127.0.0.1:0", $"--ConnectionStrings:{key}={connectionString}"]);
        return await Assert.ThrowsAsync<AsgiLifespanException>(() => app.StartAsync());
    }

    internal static void AssertSeedUsers(JsonElement json)
    {
        var users = json.GetProperty("users").EnumerateArray().ToList();
        Assert.Equal(2, users.Count);
        Assert.Equal(1, users[0].GetProperty("id").GetInt64());
        Assert.Equal("Alice", users[0].GetProperty("name").GetString());
        Assert.Equal("bob@example.com", users[1].GetProperty("email").GetString());
    }

    [Fact]
    public async Task Lists_the_users_through_the_pool_opened_at_startup_and_closes_it_at_shutdown()
    {
        var factory = Factory("Sqlite", ConnectionString, _sink);
        await using (factory)
        {
            using var client = factory.CreateClient();
            using var response = await client.GetAsync("/users");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
            AssertSeedUsers(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
            Assert.Contains(_sink.Entries, e => e.EventId.Id == 310 && e.Message.Contains("sqlite", StringComparison.Ordinal) && e.Message.Contains("(2 users)", StringComparison.Ordinal));
            Assert.DoesNotContain(_sink.Entries, e => e.EventId.Id == 311);
        }

        // Waited for rather than looked up: in 1 of about 10 full-suite runs under load the line was not in the sink yet
        // when the factory's dispose returned (not reproduced in isolation); the pool must still be closed.
        Assert.Equal(LogLevel.Information, (await _sink.WaitForEventAsync(311)).Level);
        Assert.True(File.Exists(Path.Combine(_directory, "users.db")));
    }

    [Fact]
    public async Task A_failing_query_answers_500_with_the_error_as_json()
    {
        await using var factory = Factory("Sqlite", ConnectionString, _sink);
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/users")).StatusCode);
        await using (var connection = new SqliteConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE users";
            await drop.ExecuteNonQueryAsync();
        }

        using var response = await client.GetAsync("/users");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
        Assert.Contains("no such table: users", error, StringComparison.Ordinal);
        Assert.Contains(_sink.Entries, e => e.Level == LogLevel.Error && e.EventId.Id == 312 && e.Exception is SqliteException);
    }

    [Fact]
    public async Task Without_lifespan_there_is_no_pool_and_the_handler_says_so()
    {
        var app = new UsersApp(new DatabaseSettings("sqlite", ConnectionString), NullLogger<UsersApp>.Instance);
        await using var client = new AsgiTestClient(app.Run);   // no lifespan, as starlette's TestClient outside `with`

        var response = await client.GetAsync("/users");

        Assert.Equal(500, response.Status);
        Assert.Equal("Database not available", response.Text);
        Assert.Equal(404, (await client.GetAsync("/other")).Status);
    }

    [Fact]
    public async Task A_pool_that_cannot_be_opened_stops_the_host_with_the_reason()
    {
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(_directory).FullName, "not-a-directory"), "x");
        var failure = await StartFailsAsync("Sqlite", $"Data Source={Path.Combine(_directory, "not-a-directory", "users.db")}");

        Assert.Contains("Could not open the sqlite database", failure.Message, StringComparison.Ordinal);
    }
}
