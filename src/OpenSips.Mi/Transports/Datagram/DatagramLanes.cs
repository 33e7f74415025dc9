namespace OpenSips.Mi;

/// <summary>
/// How a datagram exchange spreads its calls over sockets: UDP uses one socket with no bound; a unix client keeps at most
/// <see cref="PerSocket"/> calls in flight per socket and opens up to <see cref="MaxSockets"/> sockets on demand.
/// </summary>
internal sealed record DatagramLanes(Func<DatagramChannel> Open, int PerSocket, int MaxSockets, string? FullHint)
{
    public static DatagramLanes Single(DatagramChannel channel) => new(() => channel, int.MaxValue, 1, null);
}
