namespace OpenSips.Mi;

/// <summary>The encoded request is larger than the transport can carry; raised BEFORE anything is sent.</summary>
public sealed class MiRequestTooLargeException : MiException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="transport">The transport (for example <c>mi_datagram</c>).</param>
    /// <param name="size">The encoded request size in bytes.</param>
    /// <param name="limit">The largest request the transport accepts.</param>
    /// <param name="advice">What to do instead.</param>
    public MiRequestTooLargeException(string transport, int size, int limit, string advice)
        : base($"The request is {size} bytes, over {transport}'s {limit}-byte limit: {advice}")
    {
        Transport = transport;
        Size = size;
        Limit = limit;
    }

    /// <summary>Creates the exception.</summary>
    public MiRequestTooLargeException()
        : this("(unknown)", 0, 0, "send a smaller request")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public MiRequestTooLargeException(string message)
        : base(message)
    {
        Transport = "(unknown)";
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MiRequestTooLargeException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Transport = "(unknown)";
    }

    /// <summary>The transport whose limit was hit.</summary>
    public string Transport { get; }

    /// <summary>The encoded request size in bytes.</summary>
    public int Size { get; }

    /// <summary>The transport's limit in bytes.</summary>
    public int Limit { get; }
}
