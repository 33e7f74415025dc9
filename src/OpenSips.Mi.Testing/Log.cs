using Microsoft.Extensions.Logging;

namespace OpenSips.Mi.Testing;

/// <summary>Compile-time log messages.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "MI emulator listening: {Endpoints}")]
    public static partial void Started(ILogger logger, string endpoints);

    [LoggerMessage(2, LogLevel.Debug, "{Transport} request: {Request}")]
    public static partial void Request(ILogger logger, string transport, MiEmulatorRequest request);

    [LoggerMessage(3, LogLevel.Warning, "{Transport} loop failed")]
    public static partial void LoopFailed(ILogger logger, string transport, Exception exception);

    [LoggerMessage(4, LogLevel.Error, "mi_fifo crash emulated (OpenSIPS 3.6.8 segfaults on this request): {Request}")]
    public static partial void FifoCrash(ILogger logger, string request);

    [LoggerMessage(5, LogLevel.Debug, "{Transport}: could not send the reply")]
    public static partial void SendFailed(ILogger logger, string transport, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "{Transport}: dropped a {Bytes}-byte reply: the client's receive queue is full (as OpenSIPS drops it)")]
    public static partial void ReplyDropped(ILogger logger, string transport, int bytes);
}
