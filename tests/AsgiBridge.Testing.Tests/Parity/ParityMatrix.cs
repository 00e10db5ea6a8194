using AsgiBridge.TestInfrastructure.Kestrel;

namespace AsgiBridge.Testing.Tests.Parity;

/// <summary>Every case over both protocols of the parity host.</summary>
internal static class ParityMatrix
{
    public static TheoryData<T, KestrelProtocol> OverBothProtocols<T>(IEnumerable<T> cases)
    {
        var data = new TheoryData<T, KestrelProtocol>();
        foreach (var parityCase in cases)
        {
            data.Add(parityCase, KestrelProtocol.Http1);
            data.Add(parityCase, KestrelProtocol.Http2);
        }

        return data;
    }
}
