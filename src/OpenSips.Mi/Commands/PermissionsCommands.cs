using System.Text.Json;

namespace OpenSips.Mi.Commands;

/// <summary>Typed permissions module commands: <c>address_reload</c>, <c>address_dump</c>, <c>subnet_dump</c>.</summary>
/// <example>
/// <code>
/// var dump = await mi.AddressDumpAsync();
/// foreach (var entry in dump.SelectMany(p => p.Entries)) Console.WriteLine($"{entry.Group} {entry.Ip}/{entry.Mask}");
/// </code>
/// </example>
public static class PermissionsCommands
{
    /// <summary>Runs <c>address_reload</c>: reloads the address table from the database.</summary>
    /// <param name="client">The client.</param>
    /// <param name="partition">One partition, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (400 "Trusted table reload failed").</exception>
    public static Task AddressReloadAsync(this MiClient client, string? partition = null, CancellationToken cancellationToken = default) =>
        MiReply.RunOkAsync(client, "address_reload", partition is null ? MiParams.None : MiParams.Positional(partition), cancellationToken);

    /// <summary>Runs <c>address_dump</c>: the single addresses (full-length masks) of every partition, or of one.</summary>
    /// <param name="client">The client.</param>
    /// <param name="partition">One partition, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The partitions with their entries.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (404 "No such partition").</exception>
    public static Task<MiList<PermissionsPartition>> AddressDumpAsync(this MiClient client, string? partition = null, CancellationToken cancellationToken = default) =>
        DumpAsync(client, "address_dump", partition, cancellationToken);

    /// <summary>Runs <c>subnet_dump</c>: the subnets (shorter masks) of every partition, or of one.</summary>
    /// <param name="client">The client.</param>
    /// <param name="partition">One partition, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The partitions with their entries.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (404 "No such partition").</exception>
    public static Task<MiList<PermissionsPartition>> SubnetDumpAsync(this MiClient client, string? partition = null, CancellationToken cancellationToken = default) =>
        DumpAsync(client, "subnet_dump", partition, cancellationToken);

    private static async Task<MiList<PermissionsPartition>> DumpAsync(MiClient client, string method, string? partition, CancellationToken cancellationToken)
    {
        var result = await MiReply.RunAsync(client, method, partition is null ? MiParams.None : MiParams.Positional(partition), cancellationToken).ConfigureAwait(false);

        // All partitions: {"Partitions":[{"name","Destinations"}]}; one: {"part","Destinations"}; an empty one: "OK".
        IReadOnlyList<PermissionsPartition> partitions = MiReply.TryMember(result, "Partitions", out _)
            ? MiReply.List(result, "Partitions", PermissionsPartition.Read)
            : result.ValueKind == JsonValueKind.Object ? [PermissionsPartition.Read(result)] : [];
        return new MiList<PermissionsPartition>(partitions, result);
    }
}

/// <summary>One permissions partition of an <c>address_dump</c>/<c>subnet_dump</c> reply.</summary>
/// <param name="Name">The partition name (<c>name</c>, or <c>part</c> when one partition was asked for).</param>
/// <param name="Entries">The addresses or subnets (<c>Destinations</c>).</param>
/// <param name="Raw">The JSON element.</param>
public sealed record PermissionsPartition(string? Name, IReadOnlyList<PermissionsEntry> Entries, JsonElement Raw)
{
    internal static PermissionsPartition Read(JsonElement e) =>
        new(MiReply.String(e, "name") ?? MiReply.String(e, "part"), MiReply.List(e, "Destinations", PermissionsEntry.Read), e);
}

/// <summary>One address or subnet: <c>{"grp","ip","mask","port","proto","pattern","context_info"}</c>.</summary>
/// <param name="Group">The group id.</param>
/// <param name="Ip">The IP address.</param>
/// <param name="Mask">The mask length (OpenSIPS sends it as text for addresses).</param>
/// <param name="Port">The port (0 for any).</param>
/// <param name="Protocol">The protocol, <c>any</c> when unset.</param>
/// <param name="Pattern">The URI pattern (empty when unset).</param>
/// <param name="ContextInfo">The context info (empty when unset).</param>
/// <param name="Raw">The JSON element.</param>
public sealed record PermissionsEntry(long? Group, string? Ip, int? Mask, int? Port, string? Protocol, string? Pattern, string? ContextInfo, JsonElement Raw)
{
    internal static PermissionsEntry Read(JsonElement e) => new(
        MiReply.Int64(e, "grp"), MiReply.String(e, "ip"), MiReply.Int32(e, "mask"), MiReply.Int32(e, "port"), MiReply.String(e, "proto"),
        MiReply.String(e, "pattern"), MiReply.String(e, "context_info"), e);
}
