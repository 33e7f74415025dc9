namespace OpenSips.Mi;

/// <summary>
/// The base of every error this library raises for something that is not a server answer (except timeouts, which are
/// <see cref="MiTimeoutException"/> so that <c>catch (TimeoutException)</c> works) and of <see cref="MiCommandException"/>.
/// </summary>
public class MiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MiException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    public MiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public MiException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
