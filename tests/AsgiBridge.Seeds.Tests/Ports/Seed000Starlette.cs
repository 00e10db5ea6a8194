using AsgiBridge.Composition;
using AsgiBridge.Toolkit;

namespace AsgiBridge.Seeds.Tests.Ports;

/// <summary>
/// Seed 000 "Working at a higher level": starlette's Request and JSONResponse become the toolkit's
/// <see cref="AsgiRequest"/> and <see cref="JsonResponse"/> (python/seed000_starlette_fixed.py, the article's code with
/// the fixes it needs to run; the article's own code cannot compile in C#, and on uvicorn it answers 500).
/// </summary>
internal static class Seed000Starlette
{
    /// <summary>The class-based application.</summary>
    public static AsgiApp App { get; } = AsgiApps.PerConnection(scope => new AsgiApplication(scope));

    private sealed class AsgiApplication : IAsgiConnectionHandler
    {
        private readonly AsgiScope _scope;

        public AsgiApplication(AsgiScope scope)
        {
            Py.Assert((string?)scope["type"] == "http");
            _scope = scope;
        }

        public async Task RunAsync(AsgiReceive receive, AsgiSend send)
        {
            var request = new AsgiRequest((HttpScope)_scope, receive);
            var response = JsonResponse.Create(new Dictionary<string, object?>
            {
                ["method"] = request.Method,
                ["path"] = request.Path, // request.url.path: the decoded path
                // dict(request.query_params): the last value of a repeated key wins, as in starlette.
                ["query_params"] = request.Query.ToDictionary(p => p.Key, p => p.Value[^1]),
            });
            await response.ExecuteAsync(_scope, receive, send);
        }
    }
}
