using System.Net;
using System.Text.Json;
using AsgiBridge.Examples.Tests.Infrastructure;
using AsgiBridge.Lifespan;
using AsgiBridge.TestInfrastructure.Logging;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AsgiBridge.Examples.Tests;

/// <summary>The same example on a real PostgreSQL server (Debian's postgresql, started by the fixture on a loopback port).</summary>
[Collection(nameof(WebApplicationFactoryGroup))]
public sealed class DatabaseDemoPostgresTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private readonly TestLogSink _sink = new();

    private async Task<string> CreateDatabaseAsync()
    {
        var name = "demo_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    private async Task<long> DemoConnectionsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = @app AND datname = @db", connection);
        command.Parameters.AddWithValue("app", DatabaseDemo.DatabaseSettings.ApplicationName);
        command.Parameters.AddWithValue("db", database);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Lists_the_users_from_postgres_and_closes_the_pools_connections_at_shutdown()
    {
        var connectionString = await CreateDatabaseAsync();
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        var factory = DatabaseDemoTests.Factory("Postgres", connectionString, _sink);
        await using (factory)
        {
            using var client = factory.CreateClient();
            using var response = await client.GetAsync("/users");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            DatabaseDemoTests.AssertSeedUsers(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
            Assert.Contains(_sink.Entries, e => e.EventId.Id == 310 && e.Message.Contains("postgres", StringComparison.Ordinal) && e.Message.Contains("(2 users)", StringComparison.Ordinal));
            Assert.True(await DemoConnectionsAsync(database) >= 1, "The pool keeps its idle connection open while the app runs.");
        }

        // Waited for rather than looked up: in 1 of about 10 full-suite runs under load the line was not in the sink yet
        // when the factory's dispose returned (not reproduced in isolation); the pool must still be closed.
        Assert.Equal(LogLevel.Information, (await _sink.WaitForEventAsync(311)).Level);

        // The server drops a backend from pg_stat_activity once the client's close has been processed: poll briefly.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await DemoConnectionsAsync(database) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(0, await DemoConnectionsAsync(database));
    }

    [Fact]
    public async Task A_failing_query_answers_500_with_postgres_error_as_json()
    {
        var connectionString = await CreateDatabaseAsync();
        await using var factory = DatabaseDemoTests.Factory("Postgres", connectionString, _sink);
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/users")).StatusCode);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand("DROP TABLE users", connection);
            await drop.ExecuteNonQueryAsync();
        }

        using var response = await client.GetAsync("/users");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
        Assert.Contains("relation \"users\" does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_stops_the_host_with_the_reason()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Port = 1, Timeout = 5 }.ConnectionString;
        var failure = await DatabaseDemoTests.StartFailsAsync("Postgres", unreachable);

        Assert.Contains("Could not open the postgres database", failure.Message, StringComparison.Ordinal);
    }
}
