using System.Text.Json;

namespace OpenSips.Mi.Commands;

/// <summary>Typed domain module commands: <c>domain_reload</c>, <c>domain_dump</c> (both need the module's database mode).</summary>
public static class DomainCommands
{
    /// <summary>Runs <c>domain_reload</c>: reloads the domain table from the database.</summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (500 "DB is disabled (db_mode=0)").</exception>
    public static Task DomainReloadAsync(this MiClient client, CancellationToken cancellationToken = default) =>
        MiReply.RunOkAsync(client, "domain_reload", MiParams.None, cancellationToken);

    /// <summary>Runs <c>domain_dump</c>: the local domains.</summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The domains.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (500 "DB is disabled (db_mode=0)").</exception>
    public static async Task<MiList<DomainEntry>> DomainDumpAsync(this MiClient client, CancellationToken cancellationToken = default) =>
        MiList<DomainEntry>.Read(await MiReply.RunAsync(client, "domain_dump", MiParams.None, cancellationToken).ConfigureAwait(false), "Domains", DomainEntry.Read);
}

/// <summary>One entry of the <c>domain_dump</c> reply: <c>{"name","attributes"}</c>.</summary>
/// <param name="Name">The domain.</param>
/// <param name="Attributes">The domain's attributes, when set.</param>
/// <param name="Raw">The JSON element.</param>
public sealed record DomainEntry(string? Name, string? Attributes, JsonElement Raw)
{
    internal static DomainEntry Read(JsonElement e) => new(MiReply.String(e, "name"), MiReply.String(e, "attributes"), e);
}
