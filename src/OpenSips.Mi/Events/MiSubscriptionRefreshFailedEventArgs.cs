namespace OpenSips.Mi;

/// <summary>A refresh of a <see cref="MiSubscription"/> failed; it is retried after <see cref="RetryIn"/>.</summary>
public sealed class MiSubscriptionRefreshFailedEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    /// <param name="error">Why the refresh failed.</param>
    /// <param name="attempt">How many refreshes in a row have failed (1 for the first).</param>
    /// <param name="retryIn">When the next attempt is made.</param>
    /// <param name="expiresAt">When OpenSIPS drops the subscription if no refresh succeeds (subscription clock).</param>
    public MiSubscriptionRefreshFailedEventArgs(Exception error, int attempt, TimeSpan retryIn, DateTimeOffset expiresAt)
    {
        Error = error;
        Attempt = attempt;
        RetryIn = retryIn;
        ExpiresAt = expiresAt;
    }

    /// <summary>Why the refresh failed: <see cref="MiTimeoutException"/>, <see cref="MiTransportException"/>, <see cref="MiCommandException"/> (OpenSIPS refused), ….</summary>
    public Exception Error { get; }

    /// <summary>How many refreshes in a row have failed (1 for the first).</summary>
    public int Attempt { get; }

    /// <summary>The delay before the next attempt (doubling from <see cref="MiSubscriptionOptions.RetryDelay"/> up to <see cref="MiSubscriptionOptions.MaxRetryDelay"/>).</summary>
    public TimeSpan RetryIn { get; }

    /// <summary>When OpenSIPS drops the subscription if no refresh succeeds before (already past: no events arrive until one does).</summary>
    public DateTimeOffset ExpiresAt { get; }
}
