namespace OpenSips.Mi.Tests.Core;

public class ConnectTests
{
    [Theory]
    [InlineData("udp://127.0.0.1:8809", typeof(DatagramOptions), "udp://127.0.0.1:8809")]
    [InlineData("UDP://[::1]:8809", typeof(DatagramOptions), "udp://[::1]:8809")]
    [InlineData("unix:///run/opensips/mi.sock", typeof(UnixDatagramOptions), "unix:///run/opensips/mi.sock")]
    [InlineData("http://127.0.0.1:8888/mi", typeof(HttpOptions), "http://127.0.0.1:8888/mi")]
    [InlineData("https://mi.example.com/mi", typeof(HttpOptions), "https://mi.example.com/mi")]
    [InlineData("xmlrpc+http://127.0.0.1:8888/RPC2", typeof(XmlRpcOptions), "xmlrpc+http://127.0.0.1:8888/RPC2")]
    [InlineData("xmlrpc+https://127.0.0.1:8888/RPC2", typeof(XmlRpcOptions), "xmlrpc+https://127.0.0.1:8888/RPC2")]
    [InlineData("fifo:///tmp/opensips_fifo", typeof(FifoOptions), "fifo:///tmp/opensips_fifo")]
    public void Each_uri_form_selects_its_transport(string uri, Type expected, string roundTrip)
    {
        var options = MiConnectionOptions.Parse(uri);
        Assert.IsType(expected, options);
        Assert.Equal(roundTrip, options.ToUriString());
        Assert.Equal(MiConnectionOptions.DefaultTimeout, options.Timeout);
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:8809", "Unknown MI URI scheme 'tcp'")]
    [InlineData("127.0.0.1:8809", "not an absolute MI URI")]
    [InlineData("udp://127.0.0.1", "has no port")]
    [InlineData("udp://:8809", "has no host")]
    [InlineData("udp://127.0.0.1:0", "not a number in 1..65535")]
    [InlineData("udp://127.0.0.1:65536", "not a number in 1..65535")]
    [InlineData("udp://127.0.0.1:http", "not a number in 1..65535")]
    [InlineData("unix://run/mi.sock", "absolute path")]
    [InlineData("fifo://tmp/fifo", "absolute path")]
    [InlineData("http:///mi", "absolute URL with a host")]
    [InlineData("", "empty")]
    public void A_bad_uri_fails_at_connect_naming_the_problem(string uri, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => MiClient.Connect(uri));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fifo_uri_carries_the_reply_directory_and_a_unix_uri_the_client_socket_directory()
    {
        var fifo = Assert.IsType<FifoOptions>(MiConnectionOptions.Parse("fifo:///run/opensips/fifo?reply_dir=/run/opensips/replies/"));
        Assert.Equal("/run/opensips/fifo", fifo.FifoPath);
        Assert.Equal("/run/opensips/replies/", fifo.ReplyDirectory);

        var unix = Assert.IsType<UnixDatagramOptions>(MiConnectionOptions.Parse("unix:///run/opensips/mi.sock?client_dir=%2Frun%2Fmyapp"));
        Assert.Equal("/run/opensips/mi.sock", unix.SocketPath);
        Assert.Equal("/run/myapp", unix.ClientSocketDirectory);
    }

    [Theory]
    [InlineData("fifo:///tmp/f?replydir=/tmp/", "unknown setting 'replydir'")]
    [InlineData("fifo:///tmp/f?reply_dir=tmp", "not an absolute path")]
    [InlineData("unix:///tmp/s?reply_dir=/tmp", "unknown setting 'reply_dir'")]
    public void A_bad_uri_setting_is_refused_naming_it(string uri, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => MiConnectionOptions.Parse(uri));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_port_out_of_range_in_options_names_the_field()
    {
        var ex = Assert.Throws<ArgumentException>(() => MiClient.Connect(new DatagramOptions("127.0.0.1", 70000)));
        Assert.Equal("Port", ex.ParamName);
    }

    [Fact]
    public void A_relative_http_url_in_options_names_the_field()
    {
        var ex = Assert.Throws<ArgumentException>(() => MiClient.Connect(new HttpOptions(new Uri("/mi", UriKind.Relative))));
        Assert.Equal("Url", ex.ParamName);
    }

    [Fact]
    public void A_zero_timeout_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => MiClient.Connect(new DatagramOptions("127.0.0.1", 8809) { Timeout = TimeSpan.Zero }));
        Assert.Equal("Timeout", ex.ParamName);
    }

    [Fact]
    public void A_missing_fifo_is_refused_at_connect()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-fifo-" + Guid.NewGuid().ToString("N"));
        var ex = Assert.Throws<ArgumentException>(() => MiClient.Connect("fifo://" + path));
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_regular_file_is_not_accepted_as_a_fifo()
    {
        var path = Path.GetTempFileName();
        try
        {
            var ex = Assert.Throws<ArgumentException>(() => MiClient.Connect("fifo://" + path));
            Assert.Contains("is not a FIFO", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Options_text_never_shows_the_basic_auth_password()
    {
        var options = new HttpOptions(new Uri("https://proxy.example/mi")) { BasicAuth = new System.Net.NetworkCredential("ops", "s3cret") };
        Assert.DoesNotContain("s3cret", options.ToString(), StringComparison.Ordinal);
    }
}
