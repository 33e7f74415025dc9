namespace OpenSips.Mi;

/// <summary>
/// OpenSIPS answered with something that is not a JSON-RPC (or XML-RPC) reply: a plain-text <c>500 Internal error</c> or
/// <c>400 Parse_error</c> datagram, a non-200 HTTP status, or bytes that do not parse.
/// </summary>
public class MiProtocolException : MiException
{
    /// <summary>Creates the exception.</summary>
    public MiProtocolException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was received and what it likely means.</param>
    public MiProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was received and what it likely means.</param>
    /// <param name="innerException">The parser's error.</param>
    public MiProtocolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the offending reply.</summary>
    /// <param name="message">What was received and what it likely means.</param>
    /// <param name="rawReply">The reply text (cut to 512 characters).</param>
    /// <param name="innerException">The parser's error, if any.</param>
    public MiProtocolException(string message, string? rawReply, Exception? innerException = null)
        : base(message, innerException)
    {
        RawReply = rawReply is { Length: > 512 } ? rawReply[..512] : rawReply;
    }

    /// <summary>The start of the reply that could not be understood, when there was one.</summary>
    public string? RawReply { get; }

    /// <summary>The HTTP status code for an HTTP reply that was not 200, else <see langword="null"/>.</summary>
    public int? HttpStatusCode { get; init; }
}
