using System.Text.Json;

namespace OpenSips.Mi;

/// <summary>
/// A JSON-RPC error answered by OpenSIPS: <c>-32602 "Invalid params"</c> with <c>data</c> such as
/// <c>"Bad type for parameter 'level'"</c>, or a command error with a SIP-like code such as <c>404 "AOR not found"</c>.
/// </summary>
/// <param name="Code">The error code (negative JSON-RPC codes, or SIP-like codes such as 400, 404, 480).</param>
/// <param name="Message">The error message.</param>
/// <param name="Data">The optional <c>data</c> member, usually a string detail; <see langword="null"/> when absent.</param>
public sealed record MiError(int Code, string Message, JsonElement? Data = null)
{
    /// <summary>The <c>data</c> member when it is a string, else its JSON text, else <see langword="null"/>.</summary>
    public string? DataText => Data is { } d ? (d.ValueKind == JsonValueKind.String ? d.GetString() : d.GetRawText()) : null;

    /// <inheritdoc/>
    public override string ToString() => DataText is { } data ? $"{Code} {Message} ({data})" : $"{Code} {Message}";
}
