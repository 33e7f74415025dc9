using System.Net;
using System.Net.Sockets;

namespace OpenSips.Mi;

/// <summary>The MI server's addresses, which are the only senders a listener accepts by default.</summary>
internal static class ServerAddresses
{
    /// <summary>
    /// The addresses of the client's endpoint host (udp://, http://); null when it has none (unix socket, FIFO) or the
    /// name does not resolve (then <paramref name="onUnresolved"/> is told and every sender is accepted).
    /// </summary>
    public static async Task<IReadOnlyCollection<IPAddress>?> ResolveAsync(MiClient client, Action<string, Exception> onUnresolved, CancellationToken cancellationToken)
    {
        var host = client.Options switch
        {
            DatagramOptions d => d.Host,
            HttpOptions h => h.Url.Host,
            _ => null,
        };
        if (string.IsNullOrEmpty(host))
        {
            return null;
        }

        host = host.Trim('[', ']');
        if (IPAddress.TryParse(host, out var ip))
        {
            return [ip];
        }

        try
        {
            return await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            onUnresolved(host, ex);
            return null;
        }
    }
}
