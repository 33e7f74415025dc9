using System.Globalization;
using System.Text.Json;

namespace OpenSips.Mi.Commands;

/// <summary>Typed dispatcher module commands: <c>ds_list</c>, <c>ds_set_state</c>, <c>ds_reload</c>.</summary>
/// <example>
/// <code>
/// var list = await mi.DsListAsync();
/// foreach (var destination in list.Partitions.SelectMany(p => p.Sets).SelectMany(s => s.Destinations))
/// {
///     Console.WriteLine($"{destination.Uri} {destination.State}");
/// }
/// await mi.DsSetStateAsync(DispatcherState.Inactive, 1, "sip:10.0.0.2:5060");
/// </code>
/// </example>
public static class DispatcherCommands
{
    /// <summary>Runs <c>ds_list</c>: the destination sets of every partition (or one).</summary>
    /// <param name="client">The client.</param>
    /// <param name="full">True to include weight, priority and description.</param>
    /// <param name="partition">One partition, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The partitions with their sets.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (500 for an unknown partition).</exception>
    public static async Task<DispatcherList> DsListAsync(this MiClient client, bool full = false, string? partition = null, CancellationToken cancellationToken = default)
    {
        var members = new List<KeyValuePair<string, MiValue>>();
        if (full)
        {
            members.Add(new("full", 1));
        }

        if (partition is not null)
        {
            members.Add(new("partition", partition));
        }

        var result = await MiReply.RunAsync(client, "ds_list", MiParams.FromNamed(members), cancellationToken).ConfigureAwait(false);
        return DispatcherList.Read(result);
    }

    /// <summary>Runs <c>ds_set_state</c>: marks a destination active, inactive or probing.</summary>
    /// <param name="client">The client.</param>
    /// <param name="state">The new state.</param>
    /// <param name="setId">The destination set id.</param>
    /// <param name="address">The destination URI as listed by <see cref="DsListAsync"/>.</param>
    /// <param name="partition">The partition, or <see langword="null"/> for the default one.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (404 "destination not found", 500 "group not found").</exception>
    public static Task DsSetStateAsync(this MiClient client, DispatcherState state, int setId, string address, string? partition = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        var stateText = state switch
        {
            DispatcherState.Active => "a",
            DispatcherState.Inactive => "i",
            DispatcherState.Probing => "p",
            _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Use Active, Inactive or Probing."),
        };
        var group = setId.ToString(CultureInfo.InvariantCulture);
        if (partition is not null)
        {
            group = partition + ":" + group;
        }

        return MiReply.RunOkAsync(client, "ds_set_state", MiParams.Named(("state", stateText), ("group", group), ("address", address)), cancellationToken);
    }

    /// <summary>Runs <c>ds_reload</c>: reloads the destinations from the database.</summary>
    /// <param name="client">The client.</param>
    /// <param name="partition">One partition, or <see langword="null"/> for all.</param>
    /// <param name="inheritState">Whether reloaded destinations keep their current state, or <see langword="null"/> for the default (yes).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static Task DsReloadAsync(this MiClient client, string? partition = null, bool? inheritState = null, CancellationToken cancellationToken = default)
    {
        var members = new List<KeyValuePair<string, MiValue>>();
        if (partition is not null)
        {
            members.Add(new("partition", partition));
        }

        if (inheritState is { } inherit)
        {
            members.Add(new("inherit_state", inherit ? 1 : 0));
        }

        return MiReply.RunOkAsync(client, "ds_reload", MiParams.FromNamed(members), cancellationToken);
    }
}

/// <summary>The state of a dispatcher destination.</summary>
public enum DispatcherState
{
    /// <summary>A state text this library does not know.</summary>
    Unknown,

    /// <summary>Used for routing.</summary>
    Active,

    /// <summary>Not used.</summary>
    Inactive,

    /// <summary>Not used, and pinged until it answers.</summary>
    Probing,
}

/// <summary>The <c>ds_list</c> reply: <c>{"PARTITIONS":[{"name","SETS":[{"id","Destinations":[…]}]}]}</c>.</summary>
/// <param name="Partitions">The partitions.</param>
/// <param name="Raw">The JSON result.</param>
public sealed record DispatcherList(IReadOnlyList<DispatcherPartition> Partitions, JsonElement Raw)
{
    internal static DispatcherList Read(JsonElement e) => new(MiReply.List(e, "PARTITIONS", DispatcherPartition.Read), e);
}

/// <summary>One dispatcher partition.</summary>
/// <param name="Name">The partition name (<c>default</c> unless partitions are configured).</param>
/// <param name="Sets">The destination sets (empty when the partition has none).</param>
/// <param name="Raw">The JSON element.</param>
public sealed record DispatcherPartition(string? Name, IReadOnlyList<DispatcherSet> Sets, JsonElement Raw)
{
    internal static DispatcherPartition Read(JsonElement e) => new(MiReply.String(e, "name"), MiReply.List(e, "SETS", DispatcherSet.Read), e);
}

/// <summary>One destination set.</summary>
/// <param name="Id">The set id.</param>
/// <param name="Destinations">The destinations.</param>
/// <param name="Raw">The JSON element.</param>
public sealed record DispatcherSet(int? Id, IReadOnlyList<DispatcherDestination> Destinations, JsonElement Raw)
{
    internal static DispatcherSet Read(JsonElement e) => new(MiReply.Int32(e, "id"), MiReply.List(e, "Destinations", DispatcherDestination.Read), e);
}

/// <summary>One dispatcher destination.</summary>
/// <param name="Uri">The destination URI.</param>
/// <param name="StateText">The state as sent: <c>Active</c>, <c>Inactive</c> or <c>Probing</c>.</param>
/// <param name="FirstHitCounter">How many times it was chosen first.</param>
/// <param name="Socket">The sending socket, when set.</param>
/// <param name="Attributes">The <c>attr</c> column, when set.</param>
/// <param name="ScriptAttributes">Attributes pushed by the script, when set.</param>
/// <param name="Weight">The weight (only with <c>full</c>).</param>
/// <param name="Priority">The priority (only with <c>full</c>).</param>
/// <param name="Description">The description (only with <c>full</c>, when set).</param>
/// <param name="ResolvedAddresses">The resolved <c>ip:port</c> addresses.</param>
/// <param name="Raw">The JSON element.</param>
public sealed record DispatcherDestination(
    string? Uri, string? StateText, long? FirstHitCounter, string? Socket, string? Attributes, string? ScriptAttributes, long? Weight, long? Priority,
    string? Description, IReadOnlyList<string> ResolvedAddresses, JsonElement Raw)
{
    /// <summary>The state as an enum.</summary>
    public DispatcherState State => StateText?.Trim().ToUpperInvariant() switch
    {
        "ACTIVE" => DispatcherState.Active,
        "INACTIVE" => DispatcherState.Inactive,
        "PROBING" => DispatcherState.Probing,
        _ => DispatcherState.Unknown,
    };

    internal static DispatcherDestination Read(JsonElement e) => new(
        MiReply.String(e, "URI"), MiReply.String(e, "state"), MiReply.Int64(e, "first_hit_counter"), MiReply.String(e, "socket"),
        MiReply.String(e, "attr"), MiReply.String(e, "script_attr"), MiReply.Int64(e, "weight"), MiReply.Int64(e, "priority"),
        MiReply.String(e, "description"),
        MiReply.TryMember(e, "resolved_addresses", out var addresses) ? MiReply.Strings(addresses) : [],
        e);
}
