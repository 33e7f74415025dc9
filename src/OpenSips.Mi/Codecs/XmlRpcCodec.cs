using System.Buffers;

namespace OpenSips.Mi;

/// <summary>XML-RPC as mi_xmlrpc_ng speaks it (facts 29-33). Placeholder until the codec lands.</summary>
internal sealed class XmlRpcCodec : IMiCodec
{
    public static readonly XmlRpcCodec Instance = new();

    public string ContentType => "text/xml";

    public bool HasIds => false;

    public void EncodeRequest(IBufferWriter<byte> output, string method, MiParams parameters, int id) =>
        throw new NotSupportedException("mi_xmlrpc_ng is not supported yet.");

    public MiResponse DecodeResponse(string method, ReadOnlyMemory<byte> reply, int expectedId, string transport) =>
        throw new NotSupportedException("mi_xmlrpc_ng is not supported yet.");
}
