using AsgiBridge.Testing;

namespace AsgiBridge.Toolkit.Tests.Requests;

/// <summary>starlette's <c>request.query_params</c>: last values for <c>dict(...)</c>, every value for <c>getlist</c>.</summary>
public sealed class QueryParamsTests
{
    [Fact]
    public void Parses_like_parse_qsl_with_blank_values_kept()
    {
        var query = new AsgiQueryParams("a=1&b=x+y&a=2&empty=&flag&caf%C3%A9=%E2%9C%93&&bad=%FF");

        Assert.Equal("2", query["a"]);
        Assert.Equal(["1", "2"], query.GetList("a"));
        Assert.Equal("x y", query["b"]);
        Assert.Equal(string.Empty, query["empty"]);
        Assert.Equal(string.Empty, query["flag"]);
        Assert.Equal("\u2713", query["caf\u00e9"]);
        Assert.Equal("\ufffd", query["bad"]);
        Assert.Equal(["a", "b", "empty", "flag", "caf\u00e9", "bad"], query.Keys);
        Assert.Equal(7, query.MultiItems.Count);
        Assert.Equal(new KeyValuePair<string, string>("a", "2"), query.MultiItems[2]);
        Assert.Empty(query.GetList("missing"));
        Assert.Equal("fallback", query.Get("missing", "fallback"));
        Assert.Null(query.Get("missing"));
        Assert.False(query.ContainsKey("A"));
    }

    [Fact]
    public async Task Seed_000_json_echo_gives_the_last_value_of_each_name()
    {
        // JSONResponse({"method": request.method, "path": request.url.path, "query_params": dict(request.query_params)})
        await using var client = await AsgiTestClient.StartAsync(async (scope, receive, send) =>
        {
            var request = new AsgiRequest((HttpScope)scope, receive);
            var response = JsonResponse.Create(new Dictionary<string, object?>
            {
                ["method"] = request.Method,
                ["path"] = request.Path,
                ["query_params"] = request.QueryParams,
                ["all_tags"] = request.QueryParams.GetList("tag"),
            });
            await response.InvokeAsync(scope, receive, send);
        });

        var json = (await client.GetAsync("/items?tag=a&tag=b&page=2")).Json();

        Assert.Equal("GET", json.GetProperty("method").GetString());
        Assert.Equal("/items", json.GetProperty("path").GetString());
        Assert.Equal("b", json.GetProperty("query_params").GetProperty("tag").GetString());
        Assert.Equal("2", json.GetProperty("query_params").GetProperty("page").GetString());
        Assert.Equal(["a", "b"], json.GetProperty("all_tags").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task No_query_gives_an_empty_view()
    {
        await using var client = await AsgiTestClient.StartAsync(async (scope, receive, send) =>
        {
            var request = new AsgiRequest((HttpScope)scope, receive);
            await new TextResponse(request.QueryParams.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)).InvokeAsync(scope, receive, send);
        });

        Assert.Equal("0", (await client.GetAsync("/")).Text);
    }
}
