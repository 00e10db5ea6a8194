using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Text;

namespace AsgiBridge.Benchmarks;

/// <summary>
/// Who allocates: listens to the runtime's <c>GCAllocationTick</c> events (one about every 100 KB allocated, with the
/// type of the object that crossed the threshold) and counts them per type. Enabled with <c>--alloc-types</c>; the
/// counters endpoint then appends one <c>alloc_type ticks bytes name</c> line per type. A sample, not an exact count:
/// types that allocate little show up only over long runs.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, (long Ticks, long Bytes)> _types = new(StringComparer.Ordinal);

    /// <summary>The running sampler, if enabled.</summary>
    public static AllocationSampler? Current { get; private set; }

    /// <summary>Starts sampling.</summary>
    public static void Start() => Current ??= new AllocationSampler();

    /// <summary>One line per sampled type: <c>alloc_type ticks bytes name</c>.</summary>
    /// <returns>The lines.</returns>
    public string Report()
    {
        var text = new StringBuilder();
        // ToArray takes a snapshot under the dictionary's locks; LINQ over the dictionary would copy it through
        // ICollection.CopyTo, which throws when a new type is added meanwhile.
        foreach (var (name, (ticks, bytes)) in _types.ToArray().OrderByDescending(pair => pair.Value.Ticks))
        {
            text.Append("alloc_type ").Append(ticks).Append(' ').Append(bytes).Append(' ').Append(name).Append('\n');
        }

        return text.ToString();
    }

    /// <inheritdoc />
    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    /// <inheritdoc />
    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is null)
        {
            return;
        }

        var nameIndex = eventData.PayloadNames.IndexOf("TypeName");
        var amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
        if (amountIndex < 0)
        {
            amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount");
        }

        var name = nameIndex >= 0 ? eventData.Payload![nameIndex] as string ?? "?" : "?";
        var amount = amountIndex >= 0 ? Convert.ToInt64(eventData.Payload![amountIndex], System.Globalization.CultureInfo.InvariantCulture) : 0;
        _types.AddOrUpdate(name, (1, amount), (_, old) => (old.Ticks + 1, old.Bytes + amount));
    }
}
