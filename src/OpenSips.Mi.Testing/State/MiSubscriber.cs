namespace OpenSips.Mi.Testing;

/// <summary>An Event Interface subscription (<c>event_subscribe</c>).</summary>
/// <param name="Event">The event name, e.g. <c>E_UL_AOR_INSERT</c>.</param>
/// <param name="Socket">The subscriber socket, e.g. <c>udp:127.0.0.1:9999</c>.</param>
/// <param name="Expire">The requested lifetime in seconds (0 = expired).</param>
/// <param name="SubscribedAt">When it was (re)subscribed.</param>
public sealed record MiSubscriber(string Event, string Socket, int Expire, DateTimeOffset SubscribedAt)
{
    /// <summary>OpenSIPS drops a subscriber once its subscription time plus expire (whole seconds) is in the past.</summary>
    internal bool IsExpired(DateTimeOffset now) => SubscribedAt.ToUnixTimeSeconds() + Expire < now.ToUnixTimeSeconds();
}
