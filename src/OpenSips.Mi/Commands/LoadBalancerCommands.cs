using System.Text.Json;

namespace OpenSips.Mi.Commands;

/// <summary>Typed load_balancer module commands: <c>lb_list</c>, <c>lb_status</c>, <c>lb_reload</c>, <c>lb_resize</c>.</summary>
/// <example>
/// <code>
/// await mi.LbSetStatusAsync(1, enabled: false);       // the seed's lb_status([1, 0])
/// var status = await mi.LbStatusAsync(1);              // status.Enabled == false
/// </code>
/// </example>
public static class LoadBalancerCommands
{
    /// <summary>Runs <c>lb_list</c>: every destination with its resources and current load.</summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The destinations.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error.</exception>
    public static async Task<MiList<LoadBalancerDestination>> LbListAsync(this MiClient client, CancellationToken cancellationToken = default) =>
        MiList<LoadBalancerDestination>.Read(await MiReply.RunAsync(client, "lb_list", MiParams.None, cancellationToken).ConfigureAwait(false), "Destinations", LoadBalancerDestination.Read);

    /// <summary>Runs <c>lb_status</c> with a destination id: whether it is enabled.</summary>
    /// <param name="client">The client.</param>
    /// <param name="destinationId">The destination id.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The destination's status.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (404 "Destination ID not found").</exception>
    public static async Task<LoadBalancerStatus> LbStatusAsync(this MiClient client, int destinationId, CancellationToken cancellationToken = default)
    {
        var result = await MiReply.RunAsync(client, "lb_status", MiParams.Positional(destinationId), cancellationToken).ConfigureAwait(false);
        return new LoadBalancerStatus(MiReply.Bool(result, "enable"), MiReply.String(result, "attrs"), result);
    }

    /// <summary>Runs <c>lb_status</c> with a new status: enables or disables a destination.</summary>
    /// <param name="client">The client.</param>
    /// <param name="destinationId">The destination id.</param>
    /// <param name="enabled">True to enable (sent as 1), false to disable (0).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (404 "Destination ID not found").</exception>
    public static Task LbSetStatusAsync(this MiClient client, int destinationId, bool enabled, CancellationToken cancellationToken = default) =>
        MiReply.RunOkAsync(client, "lb_status", MiParams.Positional(destinationId, enabled ? 1 : 0), cancellationToken);

    /// <summary>Runs <c>lb_reload</c>: reloads the destinations from the database.</summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (500 "Failed to reload").</exception>
    public static Task LbReloadAsync(this MiClient client, CancellationToken cancellationToken = default) =>
        MiReply.RunOkAsync(client, "lb_reload", MiParams.None, cancellationToken);

    /// <summary>Runs <c>lb_resize</c>: changes the capacity of one resource of a destination.</summary>
    /// <param name="client">The client.</param>
    /// <param name="destinationId">The destination id.</param>
    /// <param name="resource">The resource name.</param>
    /// <param name="capacity">The new capacity.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when OpenSIPS has answered.</returns>
    /// <exception cref="MiCommandException">OpenSIPS answered with an error (404 "Destination ID not found" or an unknown resource).</exception>
    public static Task LbResizeAsync(this MiClient client, int destinationId, string resource, int capacity, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        return MiReply.RunOkAsync(client, "lb_resize", MiParams.Positional(destinationId, resource, capacity), cancellationToken);
    }
}

/// <summary>The <c>lb_status</c> reply: <c>{"enable":"yes"|"no","attrs"}</c>.</summary>
/// <param name="Enabled">Whether the destination is enabled.</param>
/// <param name="Attributes">The destination's attributes, when set.</param>
/// <param name="Raw">The JSON result.</param>
public sealed record LoadBalancerStatus(bool? Enabled, string? Attributes, JsonElement Raw);

/// <summary>One destination of the <c>lb_list</c> reply.</summary>
/// <param name="Id">The destination id.</param>
/// <param name="Group">The group id.</param>
/// <param name="Uri">The destination URI.</param>
/// <param name="Enabled">Whether it is enabled (<c>"enabled":"yes"</c>).</param>
/// <param name="AutoReenable">Whether probing may re-enable it (<c>"auto-reenable":"on"</c>).</param>
/// <param name="Resources">Its resources with capacity and load.</param>
/// <param name="Attributes">The destination's attributes, when set.</param>
/// <param name="Raw">The JSON element.</param>
public sealed record LoadBalancerDestination(
    int? Id, int? Group, string? Uri, bool? Enabled, bool? AutoReenable, IReadOnlyList<LoadBalancerResource> Resources, string? Attributes, JsonElement Raw)
{
    internal static LoadBalancerDestination Read(JsonElement e) => new(
        MiReply.Int32(e, "id"), MiReply.Int32(e, "group"), MiReply.String(e, "uri"), MiReply.Bool(e, "enabled"), MiReply.Bool(e, "auto-reenable"),
        MiReply.List(e, "Resources", LoadBalancerResource.Read), MiReply.String(e, "attrs"), e);
}

/// <summary>One resource of a load balancer destination.</summary>
/// <param name="Name">The resource name.</param>
/// <param name="Max">The capacity.</param>
/// <param name="Load">The current load.</param>
/// <param name="Raw">The JSON element.</param>
public sealed record LoadBalancerResource(string? Name, long? Max, long? Load, JsonElement Raw)
{
    internal static LoadBalancerResource Read(JsonElement e) => new(MiReply.String(e, "name"), MiReply.Int64(e, "max"), MiReply.Int64(e, "load"), e);
}
