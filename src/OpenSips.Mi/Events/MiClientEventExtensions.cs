namespace OpenSips.Mi;

/// <summary>Event subscriptions on an <see cref="MiClient"/>: <c>event_subscribe</c> plus a listener for event_datagram / event_stream.</summary>
public static class MiClientEventExtensions
{
    /// <summary>Subscribes to one event and starts listening.</summary>
    /// <param name="client">The client of the OpenSIPS that raises the events; keep it alive as long as the subscription (it refreshes and unsubscribes through it).</param>
    /// <param name="eventName">The event, e.g. <c>E_UL_CONTACT_INSERT</c> (<c>events_list</c> lists them).</param>
    /// <param name="options">Listener, expiry and buffer settings; null for <see cref="MiSubscriptionOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the subscribe.</param>
    /// <returns>The subscription; read it with <see cref="MiSubscription.ReadAllAsync"/> and dispose it to unsubscribe.</returns>
    /// <exception cref="ArgumentException">An option is invalid or the listener would advertise <c>0.0.0.0</c>.</exception>
    /// <exception cref="MiCommandException">OpenSIPS refused <c>event_subscribe</c> (400 "Bad parameter value": unknown event, or a socket it cannot use).</exception>
    /// <exception cref="MiTransportException">The listener could not be bound, or the MI endpoint could not be reached.</exception>
    /// <exception cref="MiTimeoutException">OpenSIPS did not answer <c>event_subscribe</c>.</exception>
    public static Task<MiSubscription> SubscribeAsync(this MiClient client, string eventName, MiSubscriptionOptions? options = null, CancellationToken cancellationToken = default) =>
        SubscribeAsync(client, [eventName], options, cancellationToken);

    /// <summary>Subscribes one listener to several events (one <c>event_subscribe</c> each, same socket).</summary>
    /// <param name="client">The client of the OpenSIPS that raises the events; keep it alive as long as the subscription.</param>
    /// <param name="eventNames">The events, at least one.</param>
    /// <param name="options">Listener, expiry and buffer settings; null for <see cref="MiSubscriptionOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the subscribe.</param>
    /// <returns>The subscription. If any event is refused, the ones already subscribed are unsubscribed and the error is thrown.</returns>
    /// <exception cref="ArgumentException">No event, a blank name, an invalid option, or a <c>0.0.0.0</c> advertised address.</exception>
    /// <exception cref="MiCommandException">OpenSIPS refused <c>event_subscribe</c>.</exception>
    /// <exception cref="MiTransportException">The listener could not be bound, or the MI endpoint could not be reached.</exception>
    /// <exception cref="MiTimeoutException">OpenSIPS did not answer <c>event_subscribe</c>.</exception>
    public static Task<MiSubscription> SubscribeAsync(this MiClient client, IEnumerable<string> eventNames, MiSubscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(eventNames);
        var events = eventNames.Distinct(StringComparer.Ordinal).ToArray();
        if (events.Length == 0)
        {
            throw new ArgumentException("Give at least one event name.", nameof(eventNames));
        }

        foreach (var name in events)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                throw new ArgumentException($"'{name}' is not an event name (e.g. E_UL_CONTACT_INSERT).", nameof(eventNames));
            }
        }

        options ??= MiSubscriptionOptions.Default;
        options.Validate();
        return MiSubscription.CreateAsync(client, events, options, cancellationToken);
    }
}
