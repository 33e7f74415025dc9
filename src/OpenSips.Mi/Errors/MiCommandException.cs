namespace OpenSips.Mi;

/// <summary>OpenSIPS answered the command with a JSON-RPC error (raised by <see cref="MiResponse.EnsureSuccess"/> and the typed commands).</summary>
public sealed class MiCommandException : MiException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="method">The command.</param>
    /// <param name="error">The error OpenSIPS answered.</param>
    public MiCommandException(string method, MiError error)
        : base($"OpenSIPS MI command '{method}' failed: {error?.ToString()}")
    {
        ArgumentNullException.ThrowIfNull(error);
        Method = method;
        Error = error;
    }

    /// <summary>Creates the exception.</summary>
    public MiCommandException()
        : this("(unknown)", new MiError(0, "unknown error"))
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public MiCommandException(string message)
        : this("(unknown)", new MiError(0, message))
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MiCommandException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Method = "(unknown)";
        Error = new MiError(0, message);
    }

    /// <summary>The command that failed.</summary>
    public string Method { get; }

    /// <summary>The JSON-RPC error.</summary>
    public MiError Error { get; }

    /// <summary>The error code (for example -32602, 404).</summary>
    public int Code => Error.Code;
}
