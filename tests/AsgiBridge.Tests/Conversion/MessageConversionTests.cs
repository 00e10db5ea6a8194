using AsgiBridge.Conversion;
using AsgiBridge.Messages;

namespace AsgiBridge.Tests.Conversion;

public sealed class MessageConversionTests
{
    [Theory]
    [MemberData(nameof(MessageSamples.Names), MemberType = typeof(MessageSamples))]
    public void ToDictionary_produces_the_spec_dictionary(string name)
    {
        var (message, expected) = MessageSamples.All[name];
        DictionaryAssert.DeepEqual(expected, AsgiMessageConverter.ToDictionary(message));
    }

    [Theory]
    [MemberData(nameof(MessageSamples.Names), MemberType = typeof(MessageSamples))]
    public void FromDictionary_produces_the_typed_message(string name)
    {
        var (expected, dictionary) = MessageSamples.All[name];
        MessageAssert.Equal(expected, AsgiMessageConverter.FromDictionary(dictionary));
    }

    [Theory]
    [MemberData(nameof(MessageSamples.Names), MemberType = typeof(MessageSamples))]
    public void Round_trip_is_lossless(string name)
    {
        var (message, _) = MessageSamples.All[name];
        var first = AsgiMessageConverter.ToDictionary(message);
        var back = AsgiMessageConverter.FromDictionary(first);
        MessageAssert.Equal(message, back);
        DictionaryAssert.DeepEqual(first, AsgiMessageConverter.ToDictionary(back));
    }

    [Fact]
    public void Samples_cover_every_message_class_of_the_library()
    {
        var classes = typeof(AsgiMessage).Assembly.GetExportedTypes()
            .Where(t => t.IsSubclassOf(typeof(AsgiMessage)) && !t.IsAbstract)
            .Select(t => t.Name)
            .ToHashSet();
        var covered = MessageSamples.All.Values.Select(s => s.Message.GetType().Name).ToHashSet();
        Assert.Empty(classes.Except(covered));
    }

    [Fact]
    public void Every_type_constant_reads_back_to_a_message_of_that_type()
    {
        var constants = typeof(AsgiMessageTypes).GetFields().Select(f => (string)f.GetValue(null)!).ToList();
        var sampled = MessageSamples.All.Values.Select(s => s.Message.Type).ToHashSet();
        Assert.All(constants, type => Assert.Contains(type, sampled));
    }

    [Fact]
    public void Bytes_covering_a_whole_array_are_shared_and_slices_are_copied()
    {
        var whole = new byte[] { 1, 2, 3 };
        Assert.Same(whole, AsgiMessageConverter.ToDictionary(new HttpResponseBody(whole))["body"]);

        var slice = new ReadOnlyMemory<byte>(new byte[] { 9, 1, 2, 9 }, 1, 2);
        Assert.Equal(new byte[] { 1, 2 }, AsgiMessageConverter.ToDictionary(new HttpResponseBody(slice))["body"]);
    }

    [Fact]
    public void Accept_without_subprotocol_leaves_the_key_out()
    {
        var d = AsgiMessageConverter.ToDictionary(WebSocketAccept.Default);
        Assert.False(d.ContainsKey("subprotocol"));
        Assert.Null(((WebSocketAccept)AsgiMessageConverter.FromDictionary(d)).Subprotocol);
    }

    [Fact]
    public void Debug_info_that_is_a_dictionary_is_passed_through_as_the_same_object()
    {
        var info = new Dictionary<string, object?> { ["k"] = "v" };
        Assert.Same(info, AsgiMessageConverter.ToDictionary(new HttpResponseDebug(info))["info"]);
        var back = (HttpResponseDebug)AsgiMessageConverter.FromDictionary(MessageSamples.D("http.response.debug", ("info", info)));
        Assert.Same(info, back.Info);
    }
}
