using AsgiBridge.Docs.Tests.Snippets;

namespace AsgiBridge.Docs.Tests;

/// <summary>
/// Every ```csharp block of README.md, the examples' and packages' READMEs and docs/ compiles (conventions in
/// docs/readme-snippets.md). A failure lists each error as <c>file:line: CSxxxx: message</c>.
/// </summary>
public sealed class DocumentationSnippetTests
{
    private static readonly string s_root = FindRoot();

    public static TheoryData<string> MarkdownFiles() => [.. MarkdownPaths()];

    private static List<string> MarkdownPaths() =>
        Enumerable.Repeat("README.md", 1)
            .Concat(Directory.GetDirectories(Path.Combine(s_root, "examples")).Select(d => Path.Combine(d, "README.md")))
            .Concat(Directory.GetDirectories(Path.Combine(s_root, "src")).Select(d => Path.Combine(d, "README.md")))
            .Concat(Directory.GetFiles(Path.Combine(s_root, "docs"), "*.md"))
            .Select(path => Path.GetRelativePath(s_root, Path.Combine(s_root, path)).Replace('\\', '/'))
            .Where(path => File.Exists(Path.Combine(s_root, path)))
            .Order(StringComparer.Ordinal)
            .ToList();

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void Every_csharp_block_compiles(string file)
    {
        var snippets = SnippetExtractor.Extract(file, File.ReadAllText(Path.Combine(s_root, file)));

        var errors = snippets.SelectMany(snippet => SnippetCompiler.Compile(snippet, s_root)).ToList();

        Assert.True(errors.Count == 0, $"{errors.Count} error(s) in the C# blocks of {file}:\n{string.Join('\n', errors)}");
    }

    [Fact]
    public void The_files_the_docs_promise_are_covered()
    {
        var files = MarkdownPaths();

        Assert.Contains("README.md", files);
        Assert.Contains("docs/porting-guide.md", files);
        Assert.Contains("docs/readme-snippets.md", files);
        Assert.Contains("src/AsgiBridge.Testing/README.md", files);
        Assert.Contains("examples/DatabaseDemo/README.md", files);
    }

    internal static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AsgiBridge.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("AsgiBridge.sln not found above " + AppContext.BaseDirectory);
    }
}
