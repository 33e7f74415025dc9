using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Tests.Reliability;

/// <summary>
/// Issue 8: a basic-auth password, the Authorization header built from it, or a token given as a header never shows in a
/// log record (Trace level, every category), an exception message, or any ToString(), whatever the call's outcome.
/// </summary>
public sealed class SecretsTests
{
    private const string User = "ops";
    private const string Password = "S3cr3t-Pa55!";
    private const string Bearer = "tok_9f8e7d6c5b4a";

    private static readonly string[] Secrets =
    [
        Password,
        Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + Password)),
        Bearer,
        Uri.EscapeDataString(Password),
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Credentials_never_appear_in_logs_exceptions_or_text_whatever_the_outcome()
    {
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUdp = false, EnableUnix = false }, Ct);
        emulator.Faults.Add(MiFault.DropReply(r => r.Method == "silent"));
        emulator.Faults.Add(MiFault.ReplaceReply("garbage"u8.ToArray(), r => r.Method == "garbled"));
        emulator.Faults.Add(MiFault.CloseConnection(r => r.Method == "cut"));
        var closedPort = ClosedPort();

        using var provider = new FakeLoggerProvider();
        using var loggers = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(provider));
        var seen = new List<string>();

        var basic = new NetworkCredential(User, Password);
        var bearer = new Dictionary<string, string> { ["Authorization"] = "Bearer " + Bearer, ["Proxy-Authorization"] = "Bearer " + Bearer };
        var targets = new MiConnectionOptions[]
        {
            new HttpOptions(emulator.HttpUri) { BasicAuth = basic, LoggerFactory = loggers },
            new XmlRpcOptions(emulator.XmlRpcUri) { BasicAuth = basic, LoggerFactory = loggers },
            new HttpOptions(emulator.HttpUri) { Headers = bearer, LoggerFactory = loggers },
            new HttpOptions(new Uri($"http://127.0.0.1:{closedPort}/mi")) { BasicAuth = basic, LoggerFactory = loggers },
            MiConnectionOptions.Parse($"http://{User}:{Password}@127.0.0.1:{emulator.HttpUri.Port}/mi") with { LoggerFactory = loggers },
        };

        foreach (var options in targets)
        {
            seen.Add(options.ToString());
            seen.Add(options.ToUriString());
            await using var client = MiClient.Connect(options with { Timeout = TimeSpan.FromMilliseconds(300) });
            seen.Add(client.ToString());
            seen.Add(client.Endpoint);
            foreach (var (method, parameters) in new (string, MiParams)[]
            {
                ("uptime", MiParams.None),
                ("no_such_command", MiParams.None),
                ("log_level", MiParams.Positional("loud")),
                ("silent", MiParams.None),
                ("garbled", MiParams.None),
                ("cut", MiParams.None),
                ("cache_store", MiParams.Positional("local", "k", new string('x', 2000))),
            })
            {
                try
                {
                    var response = await client.CommandAsync(method, parameters, Ct);
                    seen.Add(response.ToString() ?? string.Empty);
                    seen.Add(response.Error?.ToString() ?? string.Empty);
                    try
                    {
                        response.EnsureSuccess();
                    }
                    catch (MiCommandException ex)
                    {
                        seen.Add(ex.ToString());
                    }
                }
                catch (Exception ex) when (ex is MiException or TimeoutException)
                {
                    seen.Add(ex.ToString());
                }
            }
        }

        var records = provider.Collector.GetSnapshot();
        Assert.NotEmpty(records);
        Assert.Contains(records, r => r.Level == LogLevel.Trace);
        foreach (var record in records)
        {
            seen.Add(record.Message);
            seen.Add(record.Exception?.ToString() ?? string.Empty);
            seen.AddRange(record.StructuredState?.Select(kv => kv.Key + "=" + kv.Value) ?? []);
        }

        foreach (var text in seen)
        {
            foreach (var secret in Secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"a secret leaked into: {text}");
            }
        }
    }

    [Fact]
    public void A_uri_with_a_password_that_fails_to_parse_does_not_echo_the_password()
    {
        foreach (var uri in new[]
        {
            $"xmlrpc+http://{User}:{Password}@",
            $"udp://{User}:{Password}@127.0.0.1:8809",
            $"udp://{User}:{Password}@127.0.0.1",
            $"unix://{User}:{Password}@/run/mi.sock",
            $"ftp://{User}:{Password}@host/",
        })
        {
            var ex = Assert.Throws<ArgumentException>(() => MiConnectionOptions.Parse(uri));

            Assert.DoesNotContain(Password, ex.ToString(), StringComparison.Ordinal);
            Assert.Contains("***@", ex.Message, StringComparison.Ordinal);
        }
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
