using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace AsgiBridge.Docs.Tests;

/// <summary>
/// Each package ships its own README, read on nuget.org where relative links break: every link is absolute, and links
/// into the repository use the one repository URL of Directory.Build.props.
/// </summary>
public sealed partial class PackageReadmeTests
{
    private static readonly string s_root = DocumentationSnippetTests.FindRoot();

    public static TheoryData<string> PackageProjects() =>
        [.. Directory.GetFiles(Path.Combine(s_root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(s_root, path).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(PackageProjects))]
    public void The_package_readme_is_its_own_and_links_absolutely(string project)
    {
        var repository = XDocument.Load(Path.Combine(s_root, "Directory.Build.props")).Descendants("AsgiBridgeRepositoryUrl").Single().Value;
        var csproj = XDocument.Load(Path.Combine(s_root, project));
        Assert.Equal("README.md", csproj.Descendants("PackageReadmeFile").Single().Value);
        Assert.Contains(csproj.Descendants("None"), n => (string?)n.Attribute("Include") == "README.md" && (string?)n.Attribute("Pack") == "true");
        Assert.Contains(csproj.Descendants("PackageReference"), r => (string?)r.Attribute("Include") == "Microsoft.SourceLink.GitHub");

        var readme = File.ReadAllText(Path.Combine(s_root, Path.GetDirectoryName(project)!, "README.md"));
        var links = Link().Matches(readme).Select(m => m.Groups["target"].Value).ToList();

        Assert.All(links, target => Assert.True(target.StartsWith('#') || target.StartsWith("https://", StringComparison.Ordinal), $"{project}: relative link '{target}'"));
        Assert.All(links.Where(t => t.StartsWith("https://github.com/", StringComparison.Ordinal)),
            target => Assert.StartsWith(repository, target, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();
}
