namespace AsgiBridge.Docs.Tests.Snippets;

/// <summary>One ```csharp block of a Markdown file.</summary>
/// <param name="File">The Markdown file, relative to the repository root.</param>
/// <param name="Line">The 1-based line of the block's first code line.</param>
/// <param name="Code">The code, without the fences.</param>
/// <param name="Kind">How it is compiled.</param>
/// <param name="Argument">The fragment's parameter list, the members' field list, or the excerpt's path; empty otherwise.</param>
public sealed record MarkdownSnippet(string File, int Line, string Code, SnippetKind Kind, string Argument)
{
    /// <summary>Where the block is, as <c>file:line</c>.</summary>
    public string Location => $"{File}:{Line}";
}
