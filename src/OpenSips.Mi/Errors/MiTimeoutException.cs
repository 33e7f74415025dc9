namespace OpenSips.Mi;

/// <summary>
/// No reply came within the call's timeout. Derives from <see cref="TimeoutException"/>; a cancellation requested by the
/// caller is an <see cref="OperationCanceledException"/> instead.
/// </summary>
public sealed class MiTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="method">The command.</param>
    /// <param name="endpoint">Where it was sent.</param>
    /// <param name="timeout">The timeout that elapsed.</param>
    /// <param name="hint">Why there may have been no reply.</param>
    public MiTimeoutException(string method, string endpoint, TimeSpan timeout, string? hint = null)
        : base($"No reply to MI command '{method}' from {endpoint} within {timeout.TotalSeconds:0.###} s" + (hint is null ? "." : $": {hint}"))
    {
        Method = method;
        Endpoint = endpoint;
        Timeout = timeout;
    }

    /// <summary>Creates the exception.</summary>
    public MiTimeoutException()
    {
        Method = Endpoint = "(unknown)";
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public MiTimeoutException(string message)
        : base(message)
    {
        Method = Endpoint = "(unknown)";
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MiTimeoutException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Method = Endpoint = "(unknown)";
    }

    /// <summary>The command that timed out.</summary>
    public string Method { get; }

    /// <summary>Where it was sent.</summary>
    public string Endpoint { get; }

    /// <summary>The timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }
}
