namespace AsgiBridge.Channels.Tests.Messages;

public sealed class ChannelMessageTests
{
    [Fact]
    public void An_initializer_builds_an_immutable_dictionary_with_a_type()
    {
        var message = new ChannelMessage("chat.message") { ["text"] = "hi", ["count"] = 3L, ["ratio"] = 0.5f, ["ok"] = true, ["none"] = null };

        Assert.Equal("chat.message", message.Type);
        Assert.Equal("chat.message", message["type"]);
        Assert.Equal(6, message.Count);
        Assert.IsType<int>(message["count"]);                 // integers that fit read back as int
        Assert.Equal(3, message.GetInt32("count"));
        Assert.Equal(3L, message.GetInt64("count"));
        Assert.Equal(0.5, message.GetDouble("ratio"));
        Assert.True(message.GetBoolean("ok"));
        Assert.Null(message["none"]);
        Assert.Throws<KeyNotFoundException>(() => message["missing"]);
        Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(message);
    }

    [Fact]
    public void Getters_name_the_field_when_it_is_missing_or_of_another_type()
    {
        var message = new ChannelMessage("t") { ["n"] = "not a number", ["big"] = long.MaxValue };

        Assert.Equal("n", Assert.Throws<InvalidChannelMessageException>(() => message.GetInt64("n")).Field);
        Assert.Equal("absent", Assert.Throws<InvalidChannelMessageException>(() => message.GetString("absent")).Field);
        Assert.Equal("big", Assert.Throws<InvalidChannelMessageException>(() => message.GetInt32("big")).Field);
        Assert.Equal(long.MaxValue, message.GetInt64("big"));
    }

    [Fact]
    public void From_copies_a_dictionary_and_returns_a_ChannelMessage_unchanged()
    {
        var ready = new ChannelMessage("t");
        Assert.Same(ready, ChannelMessage.From(ready));

        var nested = new Dictionary<string, object?> { ["inner"] = new List<object?> { 1, "two", new byte[] { 3 } } };
        var copy = ChannelMessage.From(new Dictionary<string, object?> { ["type"] = "t", ["nested"] = nested });
        nested["added"] = 1;
        var frozen = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(copy["nested"]);
        Assert.Single(frozen);
        Assert.Throws<NotSupportedException>(() => ((IDictionary<string, object?>)frozen)["x"] = 1);
    }

    [Theory]
    [InlineData(null, "is missing")]
    [InlineData("", "non-empty")]
    [InlineData(5, "must be a string")]
    public void The_type_must_be_a_non_empty_string(object? type, string problem)
    {
        var error = Assert.Throws<InvalidChannelMessageException>(() => ChannelMessage.From(new Dictionary<string, object?> { ["type"] = type }));
        Assert.Equal("type", error.Field);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_outside_the_specification_are_refused_with_their_path()
    {
        Assert.Equal("when", Assert.Throws<InvalidChannelMessageException>(() => new ChannelMessage("t") { ["when"] = DateTime.UtcNow }).Field);
        Assert.Equal("list[0][1]", Assert.Throws<InvalidChannelMessageException>(() => new ChannelMessage("t") { ["list"] = new object?[] { new object?[] { 1, 2m } } }).Field);
        Assert.Equal("map", Assert.Throws<InvalidChannelMessageException>(() => new ChannelMessage("t") { ["map"] = new Dictionary<int, object?>() }).Field);
        Assert.Equal("huge", Assert.Throws<InvalidChannelMessageException>(() => new ChannelMessage("t") { ["huge"] = ulong.MaxValue }).Field);

        var cycle = new List<object?>();
        cycle.Add(cycle);
        Assert.Contains("nest deeper", Assert.Throws<InvalidChannelMessageException>(() => new ChannelMessage("t") { ["cycle"] = cycle }).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_returns_a_changed_copy()
    {
        var original = new ChannelMessage("t") { ["a"] = 1 };
        var changed = original.With("b", "x");

        Assert.False(original.ContainsKey("b"));
        Assert.Equal("x", changed.GetString("b"));
        Assert.Equal(1, changed.GetInt32("a"));
    }
}
