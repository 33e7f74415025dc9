using System.Buffers;

namespace OpenSips.Mi;

/// <summary>
/// XML-RPC as mi_xmlrpc_ng speaks it (docs/wire-facts.md#xmlrpc). Requests carry only what OpenSIPS reads (non-empty strings, 32-bit
/// integers, arrays of those; named parameters as one struct) and anything else is refused before sending; replies decode
/// into the same <see cref="MiResponse"/> as JSON-RPC, faults into <see cref="MiError"/> with the code as sent
/// (note: a parse error is faultCode <c>32700</c>, positive, and -32602 comes without the JSON-RPC <c>data</c> detail).
/// </summary>
internal sealed class XmlRpcCodec : IMiCodec
{
    public static readonly XmlRpcCodec Instance = new();

    public string ContentType => "text/xml";

    // XML-RPC has no request ids: every reply comes back on the request's own HTTP exchange.
    public bool HasIds => false;

    public bool TryReadReplyId(ReadOnlySpan<byte> reply, out int id)
    {
        id = 0;
        return false;
    }

    /// <exception cref="ArgumentException">A parameter has a type or value mi_xmlrpc_ng cannot carry (the message names it).</exception>
    public void EncodeRequest(IBufferWriter<byte> output, string method, MiParams parameters, int id)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(parameters);
        XmlRpcRequestWriter.Write(output, method, parameters);
    }

    public MiResponse DecodeResponse(string method, ReadOnlyMemory<byte> reply, int expectedId, string transport) =>
        XmlRpcReplyReader.Read(method, reply, transport);
}
