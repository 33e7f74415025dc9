namespace OpenSips.Mi.Testing;

/// <summary>A dynamic tracing destination of the emulated tracer module (created by <c>trace_start</c>).</summary>
/// <param name="Name">The trace id.</param>
/// <param name="Type"><c>HEP</c> or <c>SIP</c>, as <c>trace</c> lists it.</param>
/// <param name="Uri">The destination as <c>trace</c> lists it, <c>HOST:PORT</c>.</param>
/// <param name="Transport">For HEP: <c>udp</c> or <c>tcp</c> (proto_hep's default is tcp); null for SIP.</param>
/// <param name="HepVersion">For HEP: 1, 2 or 3 (default 3); 0 for SIP.</param>
/// <param name="Filters">The filters that were understood, in the order <c>trace</c> lists them (the last given first), e.g. <c>caller=alice</c>.</param>
/// <param name="Scope">What is traced: <c>m</c>, <c>t</c>, <c>d</c> (the default), <c>b</c>, or empty when the scope given was invalid (then nothing is traced, as in OpenSIPS).</param>
/// <param name="TracesSip">Whether SIP is among the traced types (no <c>type</c>, or one naming <c>sip</c>).</param>
public sealed record MiTraceDestination(string Name, string Type, string Uri, string? Transport, int HepVersion, IReadOnlyList<string> Filters, string Scope, bool TracesSip);
