using System.Buffers;

namespace OpenSips.Mi;

/// <summary>Reads the request id a reply carries, without decoding the rest: how mi_datagram matches replies to calls.</summary>
internal interface IReplyIdReader
{
    /// <summary>False when the reply carries no integer id (a plain-text error, an id-less error, or a codec without ids).</summary>
    bool TryReadReplyId(ReadOnlySpan<byte> reply, out int id);
}

/// <summary>Turns requests into bytes and reply bytes into <see cref="MiResponse"/>; knows nothing of sockets.</summary>
internal interface IMiCodec : IReplyIdReader
{
    /// <summary>The HTTP Content-Type of an encoded request.</summary>
    string ContentType { get; }

    /// <summary>True when replies carry the request id (JSON-RPC), so they can be correlated and checked.</summary>
    bool HasIds { get; }

    /// <summary>Writes one request.</summary>
    void EncodeRequest(IBufferWriter<byte> output, string method, MiParams parameters, int id);

    /// <summary>Reads one reply; throws <see cref="MiProtocolException"/> for anything that is not a reply to <paramref name="expectedId"/>.</summary>
    MiResponse DecodeResponse(string method, ReadOnlyMemory<byte> reply, int expectedId, string transport);
}
