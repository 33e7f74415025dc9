using Microsoft.Extensions.Logging;

namespace OpenSips.Mi;

/// <summary>Builds the exchange and codec for a set of connection options.</summary>
internal static class MiExchanges
{
    public static (IMiExchange Exchange, IMiCodec Codec) Create(MiConnectionOptions options, ILogger logger) => options switch
    {
        DatagramOptions udp => (new DatagramExchange(UdpChannel.CreateLanes(udp), JsonRpcCodec.Instance, logger), JsonRpcCodec.Instance),
        UnixDatagramOptions unix => (new DatagramExchange(UnixDatagramChannel.CreateLanes(unix), JsonRpcCodec.Instance, logger), JsonRpcCodec.Instance),
        XmlRpcOptions xml => (CreateHttp(xml, XmlRpcCodec.Instance), XmlRpcCodec.Instance),
        HttpOptions http => (CreateHttp(http, JsonRpcCodec.Instance), JsonRpcCodec.Instance),
        FifoOptions fifo => (FifoExchange.Create(fifo), JsonRpcCodec.Instance),
        _ => throw new ArgumentException($"Unsupported options type {options.GetType().Name}.", nameof(options)),
    };

    private static IMiExchange CreateHttp(HttpOptions options, IMiCodec codec) =>
        LeanHttpExchange.Supports(options)
            ? LeanHttpExchange.Create(options, codec.ContentType)
            : HttpClientExchange.Create(options, codec.ContentType);
}
