using AsgiBridge.Docs.Tests.Snippets;

namespace AsgiBridge.Docs.Tests;

/// <summary>The snippet checker itself: markers, wrapping, and errors that point at the Markdown line.</summary>
public sealed class SnippetCompilerTests
{
    private const string Markdown = """
        # Title

        ```csharp
        using AsgiBridge;
        using AsgiBridge.Messages;

        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddAsgi();
        var app = builder.Build();
        app.UseAsgi(async (scope, receive, send) => await send(new HttpResponseStart(200)));
        ```

        <!-- snippet: fragment(WebApplication app) -->
        ```csharp
        using AsgiBridge.Messages;

        app.UseAsgi(async (scope, receive, send) => await send(new HttpResponseBody("hi")));
        ```

        <!-- snippet: members(AsgiBridge.AsgiSend send) -->
        ```cs
        private async Task HelloAsync() => await send(new AsgiBridge.Messages.HttpResponseBody("hi"));
        ```

        ```python
        not C#
        ```

        ```csharp
        var broken = new HttpResponseStart(200);
        ```

        <!-- snippet: excerpt of AsgiBridge.sln -->
        ```csharp
        private readonly ChatRooms _rooms;
        ```
        """;

    private static readonly string s_root = DocumentationSnippetTests.FindRoot();

    [Fact]
    public void Blocks_and_markers_are_found_with_their_lines()
    {
        var snippets = SnippetExtractor.Extract("doc.md", Markdown);

        Assert.Equal([SnippetKind.File, SnippetKind.Fragment, SnippetKind.Members, SnippetKind.File, SnippetKind.Excerpt], snippets.Select(s => s.Kind));
        Assert.Equal([4, 15, 22, 30, 35], snippets.Select(s => s.Line));
        Assert.Equal("WebApplication app", snippets[1].Argument);
        Assert.Equal("AsgiBridge.sln", snippets[4].Argument);
    }

    [Fact]
    public void Programs_fragments_members_and_excerpts_compile()
    {
        var snippets = SnippetExtractor.Extract("doc.md", Markdown);

        foreach (var index in new[] { 0, 1, 2, 4 })
        {
            Assert.Empty(SnippetCompiler.Compile(snippets[index], s_root));
        }
    }

    [Fact]
    public void An_error_names_the_markdown_file_and_line_and_the_missing_using_is_not_implied()
    {
        var snippets = SnippetExtractor.Extract("doc.md", Markdown);

        var error = Assert.Single(SnippetCompiler.Compile(snippets[3], s_root));

        Assert.StartsWith("doc.md:30: CS0246: ", error, StringComparison.Ordinal);
        Assert.Contains("HttpResponseStart", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_excerpt_of_a_missing_file_fails()
    {
        var snippet = new MarkdownSnippet("doc.md", 3, "x", SnippetKind.Excerpt, "examples/Nowhere.cs");

        Assert.Equal(["doc.md:3: the excerpt's source file 'examples/Nowhere.cs' does not exist."], SnippetCompiler.Compile(snippet, s_root));
    }

    [Fact]
    public void Unknown_markers_and_unclosed_blocks_are_reported()
    {
        Assert.Throws<FormatException>(() => SnippetExtractor.Extract("doc.md", "<!-- snippet: nonsense -->\n```csharp\nx\n```\n"));
        Assert.Throws<FormatException>(() => SnippetExtractor.Extract("doc.md", "```csharp\nvar x = 1;\n"));
    }
}
