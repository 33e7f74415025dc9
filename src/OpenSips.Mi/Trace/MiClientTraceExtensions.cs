namespace OpenSips.Mi.Trace;

/// <summary>Live SIP traces on an <see cref="MiClient"/>: OpenSIPS's tracer module (<c>trace_start</c>) sending HEP3 to a listener of ours.</summary>
public static class MiClientTraceExtensions
{
    /// <summary>
    /// Opens a HEP3 listener and asks OpenSIPS to trace SIP to it (<c>trace_start</c> with a unique id, the filters, the
    /// scope and <c>type=sip</c>). OpenSIPS needs the <c>tracer</c> and <c>proto_hep</c> modules loaded, and proto_hep a
    /// HEP listener socket (<c>socket=hep_udp:…</c>) to start at all.
    /// </summary>
    /// <param name="client">The client of the OpenSIPS to trace; keep it alive as long as the trace (dispose sends <c>trace_stop</c> through it).</param>
    /// <param name="options">Listener, filters, scope and buffer; null for <see cref="MiTraceOptions.Default"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The trace; read it with <see cref="MiTraceSubscription.ReadAllAsync"/> and dispose it to stop.</returns>
    /// <exception cref="ArgumentException">An option is invalid, or the listener would advertise <c>0.0.0.0</c>.</exception>
    /// <exception cref="MiCommandException">
    /// OpenSIPS refused <c>trace_start</c>: -32601 "Method not found" when the tracer module is not loaded, 500 "No transport
    /// protocol" when proto_hep is not loaded, 500 "Bad parameter value" for a trace id already used.
    /// </exception>
    /// <exception cref="MiTransportException">The listener could not be bound, or the MI endpoint could not be reached.</exception>
    /// <exception cref="MiTimeoutException">OpenSIPS did not answer <c>trace_start</c>.</exception>
    public static Task<MiTraceSubscription> TraceAsync(this MiClient client, MiTraceOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        options ??= MiTraceOptions.Default;
        options.Validate();
        return MiTraceSubscription.CreateAsync(client, options, cancellationToken);
    }
}
