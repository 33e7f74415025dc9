using System.Buffers;

namespace OpenSips.Mi;

/// <summary>Turns requests into bytes and reply bytes into <see cref="MiResponse"/>; knows nothing of sockets.</summary>
internal interface IMiCodec
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
