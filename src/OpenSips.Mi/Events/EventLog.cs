using Microsoft.Extensions.Logging;

namespace OpenSips.Mi;

/// <summary>Compile-time log messages of event subscriptions (ids 100+).</summary>
internal static partial class EventLog
{
    [LoggerMessage(100, LogLevel.Information, "Subscribed {Socket} to {Events} for {Expire} s")]
    public static partial void Subscribed(ILogger logger, string socket, string events, int expire);

    [LoggerMessage(101, LogLevel.Debug, "Refreshed the subscription of {Socket} to {Events}; next refresh in {Delay}")]
    public static partial void Refreshed(ILogger logger, string socket, string events, TimeSpan delay);

    [LoggerMessage(102, LogLevel.Warning, "Refreshing the subscription of {Socket} failed (attempt {Attempt}); retrying in {Delay}")]
    public static partial void RefreshFailed(ILogger logger, string socket, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(103, LogLevel.Warning, "Malformed event payload from {Source} ({Bytes} bytes): {Reason}")]
    public static partial void Malformed(ILogger logger, string source, int bytes, string reason);

    [LoggerMessage(104, LogLevel.Warning, "Ignored an event from {Source}: not an allowed sender (see MiSubscriptionOptions.AllowedSources)")]
    public static partial void Rejected(ILogger logger, string source);

    [LoggerMessage(105, LogLevel.Warning, "The reader is slow: dropped the oldest buffered event ({Count} dropped so far, capacity {Capacity})")]
    public static partial void Dropped(ILogger logger, long count, int capacity);

    [LoggerMessage(106, LogLevel.Error, "The event listener of {Socket} failed; the subscription's stream ends with this error")]
    public static partial void ListenerFailed(ILogger logger, string socket, Exception exception);

    [LoggerMessage(107, LogLevel.Warning, "Unsubscribing {Socket} from {Event} failed; OpenSIPS drops it when it expires")]
    public static partial void UnsubscribeFailed(ILogger logger, string socket, string @event, Exception exception);

    [LoggerMessage(108, LogLevel.Information, "Unsubscribed {Socket} from {Events}")]
    public static partial void Unsubscribed(ILogger logger, string socket, string events);

    [LoggerMessage(109, LogLevel.Warning, "A subscription event handler threw")]
    public static partial void HandlerThrew(ILogger logger, Exception exception);

    [LoggerMessage(110, LogLevel.Warning, "Could not resolve the MI server host {Host} to check event senders; accepting every sender")]
    public static partial void SourceCheckDisabled(ILogger logger, string host, Exception exception);
}
