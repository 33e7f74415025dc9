namespace OpenSips.Mi;

/// <summary>
/// How a datagram exchange spreads its calls over sockets and how many it lets fly: UDP uses one socket; a unix client
/// keeps at most <see cref="PerSocket"/> calls in flight per socket and opens up to <see cref="MaxSockets"/> sockets on
/// demand. Either way the replies in flight must fit in <see cref="ReplyBudgetBytes"/> (0: no such bound), estimated from
/// the largest recent reply, because a reply that does not fit where it must wait is dropped.
/// </summary>
internal sealed record DatagramLanes(Func<DatagramChannel> Open, int PerSocket, int MaxSockets, long ReplyBudgetBytes, string? FullHint);
