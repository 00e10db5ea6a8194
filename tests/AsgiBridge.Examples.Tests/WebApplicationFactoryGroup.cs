namespace AsgiBridge.Examples.Tests;

/// <summary>
/// Tests that boot an example through <c>WebApplicationFactory</c>. The factory finds the example's host by listening to
/// the process-wide hosting diagnostics while the example's <c>Main</c> runs, so a host built at the same moment by
/// another test could be picked up instead; these tests therefore run on their own, not in parallel with anything.
/// </summary>
[CollectionDefinition(nameof(WebApplicationFactoryGroup), DisableParallelization = true)]
public sealed class WebApplicationFactoryGroup;
