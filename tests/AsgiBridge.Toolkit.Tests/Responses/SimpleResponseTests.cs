using System.Text;
using AsgiBridge.Messages;
using AsgiBridge.Toolkit.Tests.Requests;
using AsgiBridge.Toolkit;
using Microsoft.AspNetCore.Http;

namespace AsgiBridge.Toolkit.Tests.Responses;

public sealed class SimpleResponseTests
{
    private static Task<CapturedResponse> Run(AsgiResponse response, string method = "GET") =>
        Asgi.RunHttpAsync(response.ToApp(), Asgi.Http("/", method));

    [Fact]
    public async Task Bytes_response_has_octet_stream_and_content_length()
    {
        var response = await Run(new BytesResponse(new byte[] { 1, 2, 3 }, 201));

        Assert.Equal(201, response.Status);
        Assert.Equal("application/octet-stream", response.Header("content-type"));
        Assert.Equal("3", response.Header("content-length"));
        Assert.Equal([1, 2, 3], response.Body);
        Assert.True(response.Complete);
    }

    [Fact]
    public async Task Text_response_is_utf8_with_charset()
    {
        var response = await Run(new TextResponse("gr\u00fc\u00dfe"));

        Assert.Equal(200, response.Status);
        Assert.Equal("text/plain; charset=utf-8", response.Header("content-type"));
        Assert.Equal("7", response.Header("content-length"));
        Assert.Equal("gr\u00fc\u00dfe", response.Text);
    }

    [Fact]
    public async Task Text_response_keeps_an_explicit_charset()
    {
        var response = await Run(new TextResponse("a,b", mediaType: "text/csv; charset=utf-8"));

        Assert.Equal("text/csv; charset=utf-8", response.Header("content-type"));
    }

    [Fact]
    public async Task Html_response()
    {
        var response = await Run(new HtmlResponse("<h1>Hi</h1>", 404));

        Assert.Equal(404, response.Status);
        Assert.Equal("text/html; charset=utf-8", response.Header("content-type"));
        Assert.Equal("<h1>Hi</h1>", response.Text);
        Assert.Equal("11", response.Header("content-length"));
    }

    [Fact]
    public async Task Json_response_with_source_generated_and_reflection_serialization()
    {
        var generated = await Run(JsonResponse.Create(new Order("pen", 2), ToolkitJsonContext.Default.Order, 202));
        var reflected = await Run(JsonResponse.Create(new { Status = "ok", Count = 1 }));
        var raw = await Run(JsonResponse.FromUtf8("[1,2]"u8.ToArray()));

        Assert.Equal(202, generated.Status);
        Assert.Equal("application/json", generated.Header("content-type"));
        Assert.Equal("{\"item\":\"pen\",\"quantity\":2}", generated.Text);
        Assert.Equal(generated.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), generated.Header("content-length"));
        Assert.Equal("{\"status\":\"ok\",\"count\":1}", reflected.Text);
        Assert.Equal("[1,2]", raw.Text);
    }

    [Fact]
    public async Task Redirect_response_has_location_and_empty_body()
    {
        var temporary = await Run(new RedirectResponse("/login?next=%2Fhome"));
        var permanent = await Run(new RedirectResponse("https://example.com/", 301));

        Assert.Equal(307, temporary.Status);
        Assert.Equal("/login?next=%2Fhome", temporary.Header("location"));
        Assert.Equal("0", temporary.Header("content-length"));
        Assert.Null(temporary.Header("content-type"));
        Assert.Empty(temporary.Body);
        Assert.Equal(301, permanent.Status);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RedirectResponse("/x", 200));
    }

    [Fact]
    public async Task No_body_and_no_content_length_for_204_and_304()
    {
        var noContent = await Run(new TextResponse("ignored", 204));
        var notModified = await Run(new TextResponse("ignored", 304));

        Assert.Equal(204, noContent.Status);
        Assert.Empty(noContent.Body);
        Assert.Null(noContent.Header("content-length"));
        Assert.Empty(notModified.Body);
        Assert.Null(notModified.Header("content-length"));
    }

    [Fact]
    public async Task Extra_headers_follow_content_type_and_length_and_can_override_them()
    {
        var response = await Run(new TextResponse("x").WithHeader("x-one", "1").WithHeader("x-one", "2"));
        var overridden = await Run(new BytesResponse("x"u8.ToArray()).WithHeader("content-type", "image/png"));

        Assert.Equal(["content-type", "content-length", "x-one", "x-one"], response.Headers.Select(h => h.Name));
        Assert.Equal(["1", "2"], response.HeaderValues("x-one"));
        Assert.Equal(["image/png"], overridden.HeaderValues("content-type"));
    }

    [Fact]
    public async Task Set_cookie_is_percent_encoded_with_default_path_and_samesite()
    {
        var text = new TextResponse("ok");
        text.SetCookie("greeting", "hello world;");
        text.SetCookie("sid", "abc", new CookieOptions { Path = "/app", HttpOnly = true, Secure = true, SameSite = SameSiteMode.Strict, MaxAge = TimeSpan.FromHours(1) });

        var response = await Run(text);
        var cookies = response.HeaderValues("set-cookie");

        Assert.Equal(2, cookies.Count);
        Assert.Equal("greeting=hello%20world%3B; path=/; samesite=lax", cookies[0]);
        var sid = cookies[1];
        Assert.StartsWith("sid=abc;", sid, StringComparison.Ordinal);
        Assert.Contains("max-age=3600", sid, StringComparison.Ordinal);
        Assert.Contains("path=/app", sid, StringComparison.Ordinal);
        Assert.Contains("secure", sid, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", sid, StringComparison.Ordinal);
        Assert.Contains("httponly", sid, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_cookie_expires_it_in_the_past()
    {
        var text = new TextResponse("bye");
        text.DeleteCookie("sid", "/app", "example.com");

        var cookie = Assert.Single((await Run(text)).HeaderValues("set-cookie"));

        Assert.StartsWith("sid=;", cookie, StringComparison.Ordinal);
        Assert.Contains("expires=Thu, 01 Jan 1970 00:00:00 GMT", cookie, StringComparison.Ordinal);
        Assert.Contains("max-age=0", cookie, StringComparison.Ordinal);
        Assert.Contains("domain=example.com", cookie, StringComparison.Ordinal);
        Assert.Contains("path=/app", cookie, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_cookie_round_trips_through_the_request_cookie_parser()
    {
        var text = new TextResponse("ok");
        text.SetCookie("name", "J\u00fcrgen & co; \"x\"");
        var header = Assert.Single((await Run(text)).HeaderValues("set-cookie"));
        var pair = header.Split(';')[0];

        var request = new AsgiRequest(Asgi.Http("/", headers: [("cookie", pair)]), static () => ValueTask.FromException<AsgiMessage>(new InvalidOperationException("the body is not read")));

        Assert.Equal("J\u00fcrgen & co; \"x\"", request.Cookies["name"]);
    }

    [Fact]
    public async Task Endpoint_returning_a_response_through_FromRequest()
    {
        var app = AsgiBridge.Toolkit.AsgiHandlers.FromRequest(async request =>
            new TextResponse(request.Method + " " + await request.ReadTextAsync()));

        var response = await Asgi.RunHttpAsync(app, Asgi.Http("/", "PUT"), new HttpRequestBody(Encoding.UTF8.GetBytes("payload")));

        Assert.Equal("PUT payload", response.Text);
    }
}
