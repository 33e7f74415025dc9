using Microsoft.Extensions.Logging;

namespace OpenSips.Mi.Testing;

/// <summary>Compile-time log messages of the emulated Event Interface (ids 100+).</summary>
internal static partial class EventLog
{
    [LoggerMessage(100, LogLevel.Debug, "Could not deliver {Event} to {Socket}")]
    public static partial void DeliveryFailed(ILogger logger, string @event, string socket, Exception exception);
}
