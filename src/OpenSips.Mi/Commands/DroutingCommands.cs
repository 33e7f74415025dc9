using System.Text.Json;

namespace OpenSips.Mi.Commands;

/// <summary>
/// Typed drouting module commands: <c>dr_reload</c>, <c>dr_gw_status</c>, <c>dr_carrier_status</c>, <c>dr_number_routing</c>.
/// The last three only accept named parameters, which these methods send; pass <c>partition</c> when drouting's
/// <c>use_partitions</c> is set.
/// </summary>
/// <example>
/// <code>
/// var route = await mi.DrNumberRoutingAsync("+4121555", groupId: 1);
/// if (route.Matched) Console.WriteLine(string.Join(", ", route.Targets.Select(t => t.Id)));
/// </code>
/// </example>
public static class DroutingCommands
{
    /// <summary>Runs <c>dr_reload</c>: reloads the routing data from the database.</summary>
    /// <param name="client">The client.</param>
    /// <param name="partition">One partition, or <see langword="null"/> for all.</param>
    /// <param name="inheritState">Whether gateways and carriers keep their state, or <see langword="null"/> for the default (yes).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static Task DrReloadAsync(this MiClient client, string? partition = null, bool? inheritState = null, CancellationToken cancellationToken = default)
    {
        var members = new List<KeyValuePair<string, MiValue>>();
        if (partition is not null)
        {
            members.Add(new("partition_name", partition));
        }

        if (inheritState is { } inherit)
        {
            members.Add(new("inherit_state", inherit ? 1 : 0));
        }

        return MiReply.RunOkAsync(client, "dr_reload", MiParams.FromNamed(members), cancellationToken);
    }

    /// <summary>Runs <c>dr_gw_status</c> without a gateway: every gateway and its state.</summary>
    /// <param name="client">The client.</param>
    /// <param name="partition">The partition (required when partitions are used), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The gateways.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (404 "No Data available yet").</exception>
    public static async Task<MiList<DrGateway>> DrGwStatusAllAsync(this MiClient client, string? partition = null, CancellationToken cancellationToken = default)
    {
        var result = await MiReply.RunAsync(client, "dr_gw_status", Named(partition, null, null, null), cancellationToken).ConfigureAwait(false);
        return MiList<DrGateway>.Read(result, "Gateways", DrGateway.Read);
    }

    /// <summary>Runs <c>dr_gw_status</c> for one gateway.</summary>
    /// <param name="client">The client.</param>
    /// <param name="gatewayId">The gateway id.</param>
    /// <param name="partition">The partition, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The gateway's state and attributes (its <see cref="DrGateway.Id"/> is the one asked for).</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (404 "GW ID not found").</exception>
    public static async Task<DrGateway> DrGwStatusAsync(this MiClient client, string gatewayId, string? partition = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(gatewayId);
        var result = await MiReply.RunAsync(client, "dr_gw_status", Named(partition, "gw_id", gatewayId, null), cancellationToken).ConfigureAwait(false);
        var gateway = DrGateway.Read(result);
        return gateway with { Id = gateway.Id ?? gatewayId };
    }

    /// <summary>Runs <c>dr_gw_status</c> with a status: enables or disables a gateway.</summary>
    /// <param name="client">The client.</param>
    /// <param name="gatewayId">The gateway id.</param>
    /// <param name="enabled">True to enable (1), false to disable (0).</param>
    /// <param name="partition">The partition, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (404 "GW ID not found").</exception>
    public static Task DrSetGwStatusAsync(this MiClient client, string gatewayId, bool enabled, string? partition = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(gatewayId);
        return MiReply.RunOkAsync(client, "dr_gw_status", Named(partition, "gw_id", gatewayId, enabled ? 1 : 0), cancellationToken);
    }

    /// <summary>Runs <c>dr_carrier_status</c> without a carrier: every carrier and whether it is enabled.</summary>
    /// <param name="client">The client.</param>
    /// <param name="partition">The partition, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The carriers.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static async Task<MiList<DrCarrier>> DrCarrierStatusAllAsync(this MiClient client, string? partition = null, CancellationToken cancellationToken = default)
    {
        var result = await MiReply.RunAsync(client, "dr_carrier_status", Named(partition, null, null, null), cancellationToken).ConfigureAwait(false);
        return MiList<DrCarrier>.Read(result, "Carriers", DrCarrier.Read);
    }

    /// <summary>Runs <c>dr_carrier_status</c> for one carrier.</summary>
    /// <param name="client">The client.</param>
    /// <param name="carrierId">The carrier id.</param>
    /// <param name="partition">The partition, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The carrier.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (404 "Carrier ID not found").</exception>
    public static async Task<DrCarrier> DrCarrierStatusAsync(this MiClient client, string carrierId, string? partition = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(carrierId);
        var result = await MiReply.RunAsync(client, "dr_carrier_status", Named(partition, "carrier_id", carrierId, null), cancellationToken).ConfigureAwait(false);
        var carrier = DrCarrier.Read(result);
        return carrier with { Id = carrier.Id ?? carrierId };
    }

    /// <summary>Runs <c>dr_carrier_status</c> with a status: enables or disables a carrier.</summary>
    /// <param name="client">The client.</param>
    /// <param name="carrierId">The carrier id.</param>
    /// <param name="enabled">True to enable (1), false to disable (0).</param>
    /// <param name="partition">The partition, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static Task DrSetCarrierStatusAsync(this MiClient client, string carrierId, bool enabled, string? partition = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(carrierId);
        return MiReply.RunOkAsync(client, "dr_carrier_status", Named(partition, "carrier_id", carrierId, enabled ? 1 : 0), cancellationToken);
    }

    /// <summary>Runs <c>dr_number_routing</c>: which rule and gateways a number would be routed to.</summary>
    /// <param name="client">The client.</param>
    /// <param name="number">The number (the R-URI user part).</param>
    /// <param name="groupId">The routing group, or <see langword="null"/> for the default.</param>
    /// <param name="partition">The partition, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The match (<see cref="DrNumberRoute.Matched"/> is false when OpenSIPS answers "No match").</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static async Task<DrNumberRoute> DrNumberRoutingAsync(this MiClient client, string number, int? groupId = null, string? partition = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(number);
        var members = new List<KeyValuePair<string, MiValue>>();
        if (partition is not null)
        {
            members.Add(new("partition_name", partition));
        }

        if (groupId is { } group)
        {
            members.Add(new("group_id", group));
        }

        members.Add(new("number", number));
        var result = await MiReply.RunAsync(client, "dr_number_routing", MiParams.FromNamed(members), cancellationToken).ConfigureAwait(false);
        return DrNumberRoute.Read(result);
    }

    private static MiParams Named(string? partition, string? idName, string? id, int? status)
    {
        var members = new List<KeyValuePair<string, MiValue>>();
        if (partition is not null)
        {
            members.Add(new("partition_name", partition));
        }

        if (idName is not null)
        {
            members.Add(new(idName, id));
        }

        if (status is { } s)
        {
            members.Add(new("status", s));
        }

        return MiParams.FromNamed(members);
    }
}

/// <summary>A drouting gateway (<c>dr_gw_status</c>).</summary>
/// <param name="Id">The gateway id (absent from the one-gateway reply; filled with the id asked for).</param>
/// <param name="Ip">The gateway address (in the list only).</param>
/// <param name="Attributes">The <c>ATTRS</c> member, when set.</param>
/// <param name="StateText">The state as sent: <c>Active</c>, <c>Inactive</c>, <c>Probing</c>, <c>Disabled MI</c>.</param>
/// <param name="Raw">The JSON element.</param>
public sealed record DrGateway(string? Id, string? Ip, string? Attributes, string? StateText, JsonElement Raw)
{
    /// <summary>True when the gateway is <c>Active</c>.</summary>
    public bool IsActive => string.Equals(StateText?.Trim(), "Active", StringComparison.OrdinalIgnoreCase);

    internal static DrGateway Read(JsonElement e) =>
        new(MiReply.String(e, "ID"), MiReply.String(e, "IP"), MiReply.String(e, "ATTRS"), MiReply.String(e, "State"), e);
}

/// <summary>A drouting carrier (<c>dr_carrier_status</c>).</summary>
/// <param name="Id">The carrier id (absent from the one-carrier reply; filled with the id asked for).</param>
/// <param name="Attributes">The <c>ATTRS</c> member, when set.</param>
/// <param name="Enabled">Whether the carrier is enabled (OpenSIPS sends <c>"yes"</c> or <c>"no "</c>).</param>
/// <param name="Raw">The JSON element.</param>
public sealed record DrCarrier(string? Id, string? Attributes, bool? Enabled, JsonElement Raw)
{
    internal static DrCarrier Read(JsonElement e) => new(MiReply.String(e, "ID"), MiReply.String(e, "ATTRS"), MiReply.Bool(e, "Enabled"), e);
}

/// <summary>The <c>dr_number_routing</c> reply: <c>{"Matched Prefix","GW List":[{"GATEWAY"|"CARRIER":id}],"ATTRS"}</c>, or the string <c>"No match"</c>.</summary>
/// <param name="Matched">False when no rule matched.</param>
/// <param name="MatchedPrefix">The prefix of the rule that matched.</param>
/// <param name="Targets">The gateways and carriers of the rule, in order.</param>
/// <param name="Attributes">The rule's attributes, when set.</param>
/// <param name="Raw">The JSON result.</param>
public sealed record DrNumberRoute(bool Matched, string? MatchedPrefix, IReadOnlyList<DrRouteTarget> Targets, string? Attributes, JsonElement Raw)
{
    internal static DrNumberRoute Read(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return new(false, null, [], null, e);
        }

        var targets = MiReply.Array(e, "GW List")
            .Where(item => item.ValueKind == JsonValueKind.Object)
            .SelectMany(item => item.EnumerateObject())
            .Select(p => new DrRouteTarget(string.Equals(p.Name, "CARRIER", StringComparison.OrdinalIgnoreCase), MiReply.AsText(p.Value)))
            .ToArray();
        return new(true, MiReply.String(e, "Matched Prefix"), targets, MiReply.String(e, "ATTRS"), e);
    }
}

/// <summary>One target of a drouting rule.</summary>
/// <param name="IsCarrier">True for a carrier, false for a gateway.</param>
/// <param name="Id">The gateway or carrier id.</param>
public sealed record DrRouteTarget(bool IsCarrier, string? Id);
