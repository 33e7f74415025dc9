using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace OpenSips.Mi.Docs.Tests.Snippets;

public static class ConnectingSnippets
{
    [CompileOnly("connects to a real OpenSIPS's addresses; mi_fifo needs the server's FIFO to exist")]
    public static async Task Uris()
    {
        #region connect-uris
        await using var udp = MiClient.Connect("udp://127.0.0.1:8809");                  // mi_datagram over UDP
        await using var unix = MiClient.Connect("unix:///run/opensips/mi.sock");          // mi_datagram on a unix socket
        await using var http = MiClient.Connect("http://127.0.0.1:8888/mi");              // mi_http (https:// too)
        await using var xml = MiClient.Connect("xmlrpc+http://127.0.0.1:8888/RPC2");      // mi_xmlrpc_ng / mi_xmlrpc
        await using var fifo = MiClient.Connect("fifo:///tmp/opensips_fifo");             // mi_fifo
        #endregion
    }

    [CompileOnly("needs a private CA file and a reverse proxy with basic auth")]
    public static async Task Options(ILoggerFactory loggerFactory, string secret)
    {
        #region connect-options
        // Options records: every setting has a default; adjust with an initializer or `with`
        await using var udp = MiClient.Connect(new DatagramOptions("127.0.0.1", 8809) { Timeout = TimeSpan.FromSeconds(2) });

        await using var http = MiClient.Connect(MiConnectionOptions.Parse("http://127.0.0.1:8888/mi") with { LoggerFactory = loggerFactory });

        // HTTPS behind a reverse proxy with a private CA and basic auth
        await using var https = MiClient.Connect(new HttpOptions(new Uri("https://mi.example.net/mi"))
        {
            TrustedCertificateAuthorities = [X509Certificate2.CreateFromPemFile("ca.pem")],
            BasicAuth = new NetworkCredential("ops", secret),
        });

        // mi_fifo: OpenSIPS writes replies into its reply_dir (default /tmp/); the client creates its reply FIFO there
        await using var fifo = MiClient.Connect(new FifoOptions("/tmp/opensips_fifo") { ReplyDirectory = "/tmp/" });
        #endregion
    }

    [Runs]
    public static void BadSettings()
    {
        #region connect-bad-settings
        try
        {
            MiClient.Connect("udp://127.0.0.1");
        }
        catch (ArgumentException ex)
        {
            Console.WriteLine(ex.Message);   // 'udp://127.0.0.1' has no port: mi_datagram has no default port, use udp://127.0.0.1:8809 …
        }
        #endregion

        Assert.Contains("has no port", Assert.Throws<ArgumentException>(() => MiClient.Connect("udp://127.0.0.1")).Message, StringComparison.Ordinal);
    }
}
