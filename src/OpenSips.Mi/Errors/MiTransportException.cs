namespace OpenSips.Mi;

/// <summary>The request could not be delivered or its reply could not be received: connection refused, host unreachable, socket or FIFO errors.</summary>
public class MiTransportException : MiException
{
    /// <summary>Creates the exception.</summary>
    public MiTransportException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to check.</param>
    public MiTransportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to check.</param>
    /// <param name="innerException">The socket, HTTP or I/O error.</param>
    public MiTransportException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
