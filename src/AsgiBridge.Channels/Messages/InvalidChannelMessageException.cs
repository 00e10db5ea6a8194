namespace AsgiBridge.Channels;

/// <summary>
/// A channel message that the layer cannot carry: no <c>type</c>, a key that is not a string, or a value of a type the
/// channel layer specification does not allow. <see cref="Field"/> names the offending field, as a path such as
/// <c>user.tags[2]</c>.
/// </summary>
public sealed class InvalidChannelMessageException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="field">The path of the offending field.</param>
    /// <param name="problem">What is wrong with it.</param>
    public InvalidChannelMessageException(string field, string problem)
        : base($"Channel message field '{field}': {problem}")
    {
        Field = field;
        Problem = problem;
    }

    /// <summary>Creates the exception with no field.</summary>
    public InvalidChannelMessageException()
        : this("(message)", "invalid.")
    {
    }

    /// <summary>Creates the exception with a message of its own.</summary>
    /// <param name="message">The message.</param>
    public InvalidChannelMessageException(string message)
        : this("(message)", message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidChannelMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = "(message)";
        Problem = message;
    }

    /// <summary>The path of the offending field (<c>type</c>, <c>user.tags[2]</c>, …).</summary>
    public string Field { get; } = "(message)";

    /// <summary>What is wrong with the field.</summary>
    public string Problem { get; } = "invalid.";
}
