namespace AsgiBridge.Docs.Tests.Snippets;

/// <summary>How a ```csharp block of the documentation is compiled (see docs/readme-snippets.md, "Snippet conventions").</summary>
public enum SnippetKind
{
    /// <summary>The block is a whole C# file: its <c>using</c> lines, top-level statements and types.</summary>
    File,

    /// <summary>
    /// Statements (after the block's <c>using</c> lines) wrapped in an <c>async Task</c> method whose parameters the marker
    /// names: <c>&lt;!-- snippet: fragment(WebApplication app) --&gt;</c>.
    /// </summary>
    Fragment,

    /// <summary>
    /// Type members (methods, properties) wrapped in a class: <c>&lt;!-- snippet: members --&gt;</c>, or
    /// <c>&lt;!-- snippet: members(IAsgiChannelLayer layer) --&gt;</c> for fields the members use.
    /// </summary>
    Members,

    /// <summary>
    /// Quoted from a source file that the build compiles: <c>&lt;!-- snippet: excerpt of examples/Chat/ChatApp.cs --&gt;</c>;
    /// the file must exist.
    /// </summary>
    Excerpt,
}
