using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsgiBridge.Docs.Tests.Snippets;

/// <summary>
/// Compiles documentation snippets with Roslyn against the framework this test runs on (ASP.NET Core included) and the
/// assemblies next to it (the AsgiBridge packages and what the docs use: Serilog, Npgsql, Microsoft.Data.Sqlite, xunit,
/// Mvc.Testing), the way a <c>dotnet new web</c> project would: C# latest, nullable on, the Web SDK's implicit usings.
/// Diagnostics point at the Markdown file and line through <c>#line</c> directives.
/// </summary>
public static partial class SnippetCompiler
{
    /// <summary>The implicit global usings of a project on Microsoft.NET.Sdk.Web; anything else a snippet must show.</summary>
    public static readonly IReadOnlyList<string> ImplicitUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Net.Http.Json",
        "System.Threading", "System.Threading.Tasks", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Http", "Microsoft.AspNetCore.Routing", "Microsoft.Extensions.Configuration",
        "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
    ];

    /// <summary>
    /// Stand-ins every snippet may use for "your application": <c>MyApp.Run</c> (an ASGI app) and a <c>Program</c> class
    /// for <c>WebApplicationFactory&lt;Program&gt;</c>.
    /// </summary>
    public const string StandIns = """
        public static class MyApp
        {
            public static System.Threading.Tasks.Task Run(AsgiBridge.AsgiScope scope, AsgiBridge.AsgiReceive receive, AsgiBridge.AsgiSend send) =>
                System.Threading.Tasks.Task.CompletedTask;
        }

        public partial class Program;
        """;

    private static readonly CSharpParseOptions s_parse = new(LanguageVersion.Latest, DocumentationMode.None);
    private static readonly Lazy<IReadOnlyList<MetadataReference>> s_references = new(LoadReferences);
    private static readonly SyntaxTree s_globalUsings = CSharpSyntaxTree.ParseText(
        string.Concat(ImplicitUsings.Select(name => $"global using global::{name};\n")), s_parse, "GlobalUsings.g.cs");
    private static readonly SyntaxTree s_standIns = CSharpSyntaxTree.ParseText(StandIns, s_parse, "StandIns.g.cs");

    /// <summary>Compiles a snippet and returns its errors as <c>file:line: id: message</c> lines (empty when it compiles).</summary>
    /// <param name="snippet">The snippet.</param>
    /// <param name="repositoryRoot">Where excerpt paths are resolved.</param>
    /// <returns>The errors.</returns>
    public static IReadOnlyList<string> Compile(MarkdownSnippet snippet, string repositoryRoot)
    {
        ArgumentNullException.ThrowIfNull(snippet);
        if (snippet.Kind == SnippetKind.Excerpt)
        {
            return File.Exists(Path.Combine(repositoryRoot, snippet.Argument))
                ? []
                : [$"{snippet.Location}: the excerpt's source file '{snippet.Argument}' does not exist."];
        }

        using var output = new MemoryStream();
        return Errors(snippet, CreateCompilation(snippet).Emit(output).Diagnostics);
    }

    /// <summary>Compiles a snippet into an assembly image, for running it.</summary>
    /// <param name="snippet">The snippet.</param>
    /// <returns>The assembly bytes.</returns>
    /// <exception cref="InvalidOperationException">The snippet does not compile; the message lists the errors.</exception>
    public static byte[] Emit(MarkdownSnippet snippet)
    {
        ArgumentNullException.ThrowIfNull(snippet);
        using var output = new MemoryStream();
        var result = CreateCompilation(snippet).Emit(output);
        return result.Success
            ? output.ToArray()
            : throw new InvalidOperationException(string.Join('\n', Errors(snippet, result.Diagnostics)));
    }

    private static CSharpCompilation CreateCompilation(MarkdownSnippet snippet)
    {
        var tree = CSharpSyntaxTree.ParseText(Wrap(snippet), s_parse, path: snippet.File + ".g.cs", encoding: Encoding.UTF8);
        var hasStatements = tree.GetRoot().ChildNodes().OfType<GlobalStatementSyntax>().Any();
        return CSharpCompilation.Create(
            "Snippet_" + Path.GetFileNameWithoutExtension(snippet.File) + "_" + snippet.Line,
            [s_globalUsings, s_standIns, tree],
            s_references.Value,
            new CSharpCompilationOptions(hasStatements ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable));
    }

    private static List<string> Errors(MarkdownSnippet snippet, IEnumerable<Diagnostic> diagnostics) =>
        diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d =>
            {
                var span = d.Location.GetMappedLineSpan();
                var where = span.HasMappedPath ? $"{span.Path}:{span.StartLinePosition.Line + 1}" : snippet.Location;
                return $"{where}: {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
            })
            .Distinct()
            .ToList();

    /// <summary>The C# file a snippet becomes; <c>#line</c> maps its code back to the Markdown lines.</summary>
    /// <param name="snippet">The snippet.</param>
    /// <returns>The source.</returns>
    public static string Wrap(MarkdownSnippet snippet)
    {
        ArgumentNullException.ThrowIfNull(snippet);
        var lines = snippet.Code.Split('\n');
        var text = new StringBuilder();
        if (snippet.Kind == SnippetKind.File)
        {
            AppendMapped(text, snippet, 0, lines);
            return text.ToString();
        }

        // The using lines at the top stay at file level; the rest goes into the wrapper.
        var firstBody = 0;
        while (firstBody < lines.Length && (string.IsNullOrWhiteSpace(lines[firstBody]) || UsingDirective().IsMatch(lines[firstBody])))
        {
            firstBody++;
        }

        AppendMapped(text, snippet, 0, lines[..firstBody]);
        text.Append("#line hidden\n");
        if (snippet.Kind == SnippetKind.Fragment)
        {
            text.Append("internal static class Snippet\n{\n    public static async global::System.Threading.Tasks.Task RunAsync(")
                .Append(snippet.Argument).Append(")\n    {\n        await global::System.Threading.Tasks.Task.CompletedTask;\n");
            AppendMapped(text, snippet, firstBody, lines[firstBody..]);
            text.Append("#line hidden\n    }\n}\n");
        }
        else
        {
            text.Append("internal sealed partial class Snippet\n{\n");
            foreach (var field in snippet.Argument.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                text.Append("    private readonly ").Append(field).Append(" = default!;\n");
            }

            AppendMapped(text, snippet, firstBody, lines[firstBody..]);
            text.Append("#line hidden\n}\n");
        }

        return text.ToString();
    }

    private static void AppendMapped(StringBuilder text, MarkdownSnippet snippet, int offset, string[] lines)
    {
        if (lines.Length == 0)
        {
            return;
        }

        text.Append("#line ").Append(snippet.Line + offset).Append(" \"").Append(snippet.File).Append("\"\n");
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }
    }

    private static List<MetadataReference> LoadReferences()
    {
        // The runtime's own assemblies (Microsoft.NETCore.App and Microsoft.AspNetCore.App), then what sits next to the tests.
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "*.dll"));
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in paths)
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (!byName.ContainsKey(name) && !name.StartsWith("AsgiBridge.Docs.Tests", StringComparison.Ordinal) && HasMetadata(path))
            {
                byName[name] = path;
            }
        }

        return [.. byName.Values.Select(path => MetadataReference.CreateFromFile(path))];
    }

    private static bool HasMetadata(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new PEReader(stream);
            return reader.HasMetadata;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^\s*using\s+(static\s+)?[\w.]+(\s*=\s*[\w.<>, ]+)?\s*;\s*(//.*)?$")]
    private static partial Regex UsingDirective();
}
