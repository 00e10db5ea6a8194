namespace ChatDemo;

/// <summary>The chat's HTML page (index.html, embedded in the assembly).</summary>
public static class ChatPage
{
    private static readonly Lazy<byte[]> s_html = new(Load);

    /// <summary>The page's UTF-8 bytes.</summary>
    public static byte[] Html => s_html.Value;

    private static byte[] Load()
    {
        using var stream = typeof(ChatPage).Assembly.GetManifestResourceStream("ChatDemo.index.html")
            ?? throw new InvalidOperationException("The embedded chat page is missing.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
