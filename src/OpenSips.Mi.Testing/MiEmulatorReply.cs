using System.Text.Json.Nodes;

namespace OpenSips.Mi.Testing;

/// <summary>What a command handler answers: a JSON-RPC result, a JSON-RPC error, or nothing at all.</summary>
public sealed class MiEmulatorReply
{
    private MiEmulatorReply(MiEmulatorReplyKind kind, JsonNode? result, int code, string? message, string? data)
    {
        Kind = kind;
        ResultValue = result;
        ErrorCode = code;
        ErrorMessage = message;
        ErrorData = data;
    }

    /// <summary>The kind of reply.</summary>
    public MiEmulatorReplyKind Kind { get; }

    /// <summary>The result value when <see cref="Kind"/> is <see cref="MiEmulatorReplyKind.Result"/>.</summary>
    public JsonNode? ResultValue { get; }

    /// <summary>The error code when <see cref="Kind"/> is <see cref="MiEmulatorReplyKind.Error"/>.</summary>
    public int ErrorCode { get; }

    /// <summary>The error message when <see cref="Kind"/> is <see cref="MiEmulatorReplyKind.Error"/>.</summary>
    public string? ErrorMessage { get; }

    /// <summary>The optional error <c>data</c> string (OpenSIPS only sets it for -32602 and -32000).</summary>
    public string? ErrorData { get; }

    /// <summary>Nothing is sent back, as if the server lost the request.</summary>
    public static MiEmulatorReply NoReply { get; } = new(MiEmulatorReplyKind.NoReply, null, 0, null, null);

    /// <summary>The <c>"OK"</c> result most OpenSIPS commands answer with.</summary>
    public static MiEmulatorReply Ok => Result(JsonValue.Create("OK"));

    /// <summary>A JSON-RPC result.</summary>
    /// <param name="result">The result value (object, array, string, number, ...).</param>
    /// <returns>The reply.</returns>
    public static MiEmulatorReply Result(JsonNode? result) => new(MiEmulatorReplyKind.Result, result, 0, null, null);

    /// <summary>A JSON-RPC error.</summary>
    /// <param name="code">The code, e.g. 404 or -32602.</param>
    /// <param name="message">The message, e.g. <c>"AOR not found"</c>.</param>
    /// <param name="data">The optional <c>data</c> string.</param>
    /// <returns>The reply.</returns>
    public static MiEmulatorReply Error(int code, string message, string? data = null) =>
        new(MiEmulatorReplyKind.Error, null, code, message, data);

    /// <summary>An <c>-32602 "Invalid params"</c> error with a detail, as OpenSIPS's parameter checks produce.</summary>
    /// <param name="data">The detail, e.g. <c>"Bad PID"</c>.</param>
    /// <returns>The reply.</returns>
    public static MiEmulatorReply InvalidParams(string data) => Error(JsonRpcCodes.InvalidParams, "Invalid params", data);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        MiEmulatorReplyKind.Result => $"result {ResultValue?.ToJsonString() ?? "null"}",
        MiEmulatorReplyKind.Error => $"error {ErrorCode} {ErrorMessage} {ErrorData}",
        _ => "no reply",
    };
}

/// <summary>The kinds of <see cref="MiEmulatorReply"/>.</summary>
public enum MiEmulatorReplyKind
{
    /// <summary>A JSON-RPC result.</summary>
    Result,

    /// <summary>A JSON-RPC error.</summary>
    Error,

    /// <summary>Nothing is sent.</summary>
    NoReply,
}
