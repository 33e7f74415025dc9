using OpenSips.Mi.Commands;

namespace OpenSips.Mi;

/// <summary>
/// Sends a command of the catalogue under the name the server answers to. The name of the client's
/// <see cref="MiClient.Dialect"/> goes first (the 3.x name while the dialect is unknown, since OpenSIPS 4.0 keeps most
/// of them as aliases); when the server does not know it (-32601) and the command has another name, that one is tried
/// once and the dialect it proves is remembered, so the next call goes straight to the right name.
/// </summary>
internal static class MiCommandRouter
{
    /// <summary>JSON-RPC "Method not found".</summary>
    public const int MethodNotFound = -32601;

    public static async Task<MiResponse> CommandAsync(MiClient client, string method, MiParams parameters, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (MiCommandCatalog.Find(method) is not { } known)
        {
            return await client.CommandAsync(method, parameters, timeout, cancellationToken).ConfigureAwait(false);
        }

        var first = known.NameFor(client.Dialect);
        var response = await client.CommandAsync(first, parameters, timeout, cancellationToken).ConfigureAwait(false);
        if (response.Error is not { Code: MethodNotFound })
        {
            Learn(client, known, first);
            return response;
        }

        if (known.OtherName(first) is not { } other)
        {
            return response;
        }

        var retry = await client.CommandAsync(other, parameters, timeout, cancellationToken).ConfigureAwait(false);
        if (retry.Error is { Code: MethodNotFound })
        {
            // Neither name is known (the module is not loaded): report the name of the dialect the client assumed.
            return response;
        }

        // One name refused, the other accepted: the server speaks the dialect of the accepted one.
        client.Dialect = other == known.V4Name ? MiDialect.OpenSips4 : MiDialect.OpenSips3;
        return retry;
    }

    /// <summary>Remembers the dialect a name the server accepted proves (a 3.x name that 4.0 also accepts proves nothing).</summary>
    public static void Learn(MiClient client, MiCommandName known, string acceptedName)
    {
        var proven = known.DialectProvenBy(acceptedName);
        if (proven != MiDialect.Unknown)
        {
            client.Dialect = proven;
        }
    }
}
