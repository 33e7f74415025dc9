using Microsoft.Extensions.Logging;

namespace OpenSips.Mi;

/// <summary>Compile-time log messages; parameters and secrets are never logged above Trace.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Connected MI client to {Transport} {Endpoint}")]
    public static partial void Connected(ILogger logger, string transport, string endpoint);

    [LoggerMessage(2, LogLevel.Debug, "MI {Method} on {Transport} {Endpoint}: {Outcome} in {ElapsedMs:0.###} ms")]
    public static partial void CallCompleted(ILogger logger, string method, string transport, string endpoint, string outcome, double elapsedMs);

    [LoggerMessage(3, LogLevel.Trace, "MI {Method} request {Id} params {Params}")]
    public static partial void CallParams(ILogger logger, string method, int id, string @params);

    [LoggerMessage(4, LogLevel.Warning, "MI {Method} on {Endpoint} failed: {Error}")]
    public static partial void CallFailed(ILogger logger, string method, string endpoint, string error);

    [LoggerMessage(5, LogLevel.Warning, "Dropped a late or duplicate reply from {Endpoint} with id {Id} ({Bytes} bytes): no call is waiting for it")]
    public static partial void LateReplyDropped(ILogger logger, string endpoint, int id, int bytes);

    [LoggerMessage(6, LogLevel.Warning, "Received a reply without id from {Endpoint} while {Count} calls were in flight, so it cannot be matched: '{Text}'")]
    public static partial void UnattributedReply(ILogger logger, string endpoint, int count, string text);
}
