using Microsoft.Extensions.Logging;

namespace OpenSips.Mi.Trace;

/// <summary>Compile-time log messages of SIP traces (ids 200+).</summary>
internal static partial class TraceLog
{
    [LoggerMessage(200, LogLevel.Information, "Started trace {Id} to {Uri} (scope {Scope}, filters {Filters})")]
    public static partial void Started(ILogger logger, string id, string uri, string scope, string filters);

    [LoggerMessage(201, LogLevel.Information, "Stopped trace {Id}")]
    public static partial void Stopped(ILogger logger, string id);

    [LoggerMessage(202, LogLevel.Warning, "Stopping trace {Id} failed; OpenSIPS keeps sending to {Uri} until trace_stop {Id} or a restart")]
    public static partial void StopFailed(ILogger logger, string id, string uri, Exception exception);

    [LoggerMessage(203, LogLevel.Warning, "Malformed HEP from {Source} ({Bytes} bytes): {Reason}")]
    public static partial void Malformed(ILogger logger, string source, int bytes, string reason);

    [LoggerMessage(204, LogLevel.Warning, "Ignored HEP from {Source}: not an allowed sender (see MiTraceOptions.AllowedSources)")]
    public static partial void Rejected(ILogger logger, string source);

    [LoggerMessage(205, LogLevel.Warning, "The reader is slow: dropped the oldest buffered SIP message ({Count} dropped so far, capacity {Capacity})")]
    public static partial void Dropped(ILogger logger, long count, int capacity);

    [LoggerMessage(206, LogLevel.Error, "The HEP listener of trace {Id} failed; the trace's stream ends with this error")]
    public static partial void ListenerFailed(ILogger logger, string id, Exception exception);

    [LoggerMessage(207, LogLevel.Warning, "Could not resolve the MI server host {Host} to check HEP senders; accepting every sender")]
    public static partial void SourceCheckDisabled(ILogger logger, string host, Exception exception);
}
