using Microsoft.Extensions.Options;

namespace AsgiBridge.Transport;

/// <summary>Refuses block options the pool cannot serve, when the options are first read (at server start).</summary>
internal sealed class TransportBlockOptionsValidation : IValidateOptions<TransportBlockOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TransportBlockOptions options)
    {
        if (options.BlockSize is < TransportBlockOptions.MinBlockSize or > TransportBlockOptions.MaxBlockSize)
        {
            return ValidateOptionsResult.Fail($"TransportBlockOptions.BlockSize must be from {TransportBlockOptions.MinBlockSize} to {TransportBlockOptions.MaxBlockSize} bytes; it is {options.BlockSize}.");
        }

        return options.MaxRetainedBytes < 0
            ? ValidateOptionsResult.Fail($"TransportBlockOptions.MaxRetainedBytes must not be negative; it is {options.MaxRetainedBytes}.")
            : ValidateOptionsResult.Success;
    }
}
