using Microsoft.Extensions.Logging;

namespace OpenSips.Mi.Testing;

/// <summary>Compile-time log messages of the emulated tracer (ids 20+).</summary>
internal static partial class TraceLog
{
    [LoggerMessage(20, LogLevel.Warning, "Emulated proto_hep: could not send HEP to {Target}")]
    public static partial void SendFailed(ILogger logger, string target, Exception exception);
}
