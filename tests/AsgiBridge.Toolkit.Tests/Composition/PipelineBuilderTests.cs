using System.Collections.Concurrent;
using AsgiBridge.Composition;
using AsgiBridge.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AsgiBridge.Toolkit.Tests.Composition;

public sealed class PipelineBuilderTests
{
    private static AsgiMiddleware Tracing(List<string> log, string name) => next => async (scope, receive, send) =>
    {
        log.Add(name + ">");
        await next(scope, receive, send);
        log.Add("<" + name);
    };

    private static AsgiApp Recording(List<string> log) => async (scope, receive, send) =>
    {
        log.Add("app");
        await send(new HttpResponseStart(200));
        await send(new HttpResponseBody("done"u8.ToArray()));
    };

    [Fact]
    public async Task Middleware_runs_in_the_order_written_and_unwinds_in_reverse()
    {
        var log = new List<string>();
        var app = new AsgiPipelineBuilder()
            .Use(Tracing(log, "a"))
            .Use(Tracing(log, "b"))
            .Use(async (scope, receive, send, next) =>
            {
                log.Add("c>");
                await next(scope, receive, send);
                log.Add("<c");
            })
            .Run(Recording(log))
            .Build();

        var response = await Asgi.RunHttpAsync(app, Asgi.Http("/"));

        Assert.Equal(["a>", "b>", "c>", "app", "<c", "<b", "<a"], log);
        Assert.Equal("done", response.Text);
    }

    [Fact]
    public async Task Class_middleware_instance_wraps_the_application()
    {
        var log = new List<string>();
        var app = new AsgiPipelineBuilder()
            .Use(new TagMiddleware(log, "first"))
            .Use(Tracing(log, "fn"))
            .Run(Recording(log))
            .Build();

        await Asgi.RunHttpAsync(app, Asgi.Http("/"));

        Assert.Equal(["first>", "fn>", "app", "<fn", "<first"], log);
    }

    [Fact]
    public async Task Generic_class_middleware_gets_constructor_injection_and_extra_arguments()
    {
        var services = new ServiceCollection().AddSingleton(new Journal()).BuildServiceProvider();
        var builder = new AsgiPipelineBuilder(services);
        var app = builder.Use<JournalMiddleware>("injected-tag").Run(Asgi.Text("hi")).Build();

        await Asgi.RunHttpAsync(app, Asgi.Http("/x"));
        await Asgi.RunHttpAsync(app, Asgi.Http("/y"));

        var journal = services.GetRequiredService<Journal>();
        Assert.Equal(["injected-tag /x", "injected-tag /y"], journal.Lines);
        Assert.Equal(1, JournalMiddleware.InstancesFor(journal));
    }

    [Fact]
    public async Task Function_application_shape()
    {
        AsgiApp app = async (scope, receive, send) =>
        {
            await send(new HttpResponseStart(201));
            await send(new HttpResponseBody("fn"u8.ToArray()));
        };

        var response = await Asgi.RunHttpAsync(new AsgiPipelineBuilder().Run(app).Build(), Asgi.Http("/"));

        Assert.Equal(201, response.Status);
        Assert.Equal("fn", response.Text);
    }

    [Fact]
    public async Task Class_application_shape()
    {
        var response = await Asgi.RunHttpAsync(new AsgiPipelineBuilder().Run(new GreetingApplication("class")).Build(), Asgi.Http("/who"));

        Assert.Equal("class:/who", response.Text);
        Assert.Equal("class:/who", (await Asgi.RunHttpAsync(AsgiApps.FromObject(new GreetingApplication("class")), Asgi.Http("/who"))).Text);
    }

    [Fact]
    public async Task Per_connection_class_gets_a_new_instance_per_connection_built_from_its_scope()
    {
        var created = new List<PerConnectionHandler>();
        var app = AsgiApps.PerConnection(scope =>
        {
            var handler = new PerConnectionHandler((HttpScope)scope);
            created.Add(handler);
            return handler;
        });

        var first = await Asgi.RunHttpAsync(app, Asgi.Http("/one"), new HttpRequestBody("hello"u8.ToArray()));
        var second = await Asgi.RunHttpAsync(app, Asgi.Http("/two"), new HttpRequestBody("hello"u8.ToArray()));

        Assert.Equal("/one body=hello", first.Text);
        Assert.Equal("/two body=hello", second.Text);
        Assert.Equal(2, created.Count);
        Assert.NotSame(created[0], created[1]);
    }

    [Fact]
    public async Task Double_callable_shape_is_called_with_the_scope_then_receive_and_send()
    {
        var scopes = new List<AsgiScope>();
        var app = AsgiApps.FromDoubleCallable(scope =>
        {
            scopes.Add(scope);
            return async (receive, send) =>
            {
                await send(new HttpResponseStart(200));
                await send(new HttpResponseBody(System.Text.Encoding.UTF8.GetBytes("double " + ((HttpScope)scope).Path)));
            };
        });

        var scope = Asgi.Http("/dc");
        var response = await Asgi.RunHttpAsync(app, scope);

        Assert.Equal("double /dc", response.Text);
        Assert.Same(scope, Assert.Single(scopes));
    }

    [Fact]
    public async Task Middleware_that_copies_the_scope_does_not_leak_changes_upstream()
    {
        ConnectionScope? seenInside = null;
        HttpScope original = Asgi.Http("/api/items", rootPath: "");
        original["trace"] = "outer";
        var app = new AsgiPipelineBuilder()
            .Use(next => (scope, receive, send) =>
            {
                var child = (ConnectionScope)scope.Copy();
                child["user"] = "alice";
                child["trace"] = "inner";
                child.RootPath = "/api";
                child.PathParams = new Dictionary<string, object?> { ["id"] = 1 };
                return next(child, receive, send);
            })
            .Run(Asgi.Capture(s => seenInside = s))
            .Build();

        await Asgi.RunHttpAsync(app, original);

        Assert.NotNull(seenInside);
        Assert.Equal("alice", seenInside!["user"]);
        Assert.Equal("inner", seenInside["trace"]);
        Assert.Equal("/api", seenInside.RootPath);
        Assert.Equal(1, seenInside.PathParams["id"]);

        Assert.False(original.ContainsKey("user"));
        Assert.Equal("outer", original["trace"]);
        Assert.Equal(string.Empty, original.RootPath);
        Assert.Empty(original.PathParams);
    }

    [Fact]
    public void Build_without_Run_throws()
    {
        var builder = new AsgiPipelineBuilder().Use(next => next);

        var error = Assert.Throws<InvalidOperationException>(() => builder.Build());
        Assert.Contains("Run", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseAsgi_with_a_pipeline_runs_it_on_TestServer_in_order_with_the_application_services()
    {
        var log = new ConcurrentQueue<string>();
        await using var host = await TestHost.StartTestServerAsync(
            app => app.UseAsgi(pipeline => pipeline
                .Use(next => async (scope, receive, send) =>
                {
                    log.Enqueue("outer");
                    await next(scope, receive, send);
                })
                .Use<JournalMiddleware>("pipeline")
                .Use(next => (scope, receive, send) =>
                {
                    log.Enqueue("inner");
                    return next(scope, receive, send);
                })
                .Run(async (scope, receive, send) =>
                {
                    log.Enqueue("app");
                    await send(new HttpResponseStart(200, [new("content-type", "text/plain")]));
                    await send(new HttpResponseBody(System.Text.Encoding.UTF8.GetBytes("path=" + ((HttpScope)scope).Path)));
                })),
            services => services.AddSingleton<Journal>());

        var text = await host.Client.GetStringAsync("/hello");

        Assert.Equal("path=/hello", text);
        Assert.Equal(["outer", "inner", "app"], log);
        Assert.Equal(["pipeline /hello"], host.App.Services.GetRequiredService<Journal>().Lines);
    }

    private sealed class TagMiddleware(List<string> log, string tag) : IAsgiMiddleware
    {
        public async Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send, AsgiApp nextApp)
        {
            log.Add(tag + ">");
            await nextApp(scope, receive, send);
            log.Add("<" + tag);
        }
    }

    internal sealed class Journal
    {
        public ConcurrentQueue<string> Lines { get; } = new();
    }

    internal sealed class JournalMiddleware : IAsgiMiddleware
    {
        private static readonly ConcurrentDictionary<Journal, int> s_instances = new();
        private readonly Journal _journal;
        private readonly string _tag;

        public JournalMiddleware(Journal journal, string tag)
        {
            _journal = journal;
            _tag = tag;
            s_instances.AddOrUpdate(journal, 1, (_, n) => n + 1);
        }

        public static int InstancesFor(Journal journal) => s_instances.TryGetValue(journal, out var n) ? n : 0;

        public Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send, AsgiApp nextApp)
        {
            _journal.Lines.Enqueue(_tag + " " + ((HttpScope)scope).Path);
            return nextApp(scope, receive, send);
        }
    }

    private sealed class GreetingApplication(string name) : IAsgiApplication
    {
        public async Task InvokeAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send)
        {
            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody(System.Text.Encoding.UTF8.GetBytes(name + ":" + ((HttpScope)scope).Path)));
        }
    }

    private sealed class PerConnectionHandler(HttpScope scope) : IAsgiConnectionHandler
    {
        public async Task RunAsync(AsgiReceive receive, AsgiSend send)
        {
            var body = (HttpRequestBody)await receive();
            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody(System.Text.Encoding.UTF8.GetBytes($"{scope.Path} body={System.Text.Encoding.UTF8.GetString(body.Body.Span)}")));
        }
    }
}
