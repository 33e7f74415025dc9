using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using OpenSips.Mi.Cli.Hosting;

namespace OpenSips.Mi.Cli.Tests;

/// <summary>The <c>emulator</c> subcommand on fixed ports and paths, and <c>--emulated --transport</c> on every transport.</summary>
public sealed class EmulatorOptionsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("opensips-mi-cli-emu-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static int FreePort(SocketType type, ProtocolType protocol)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, type, protocol);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    [Fact]
    public async Task Emulator_honours_fixed_ports_and_paths_and_cleans_up()
    {
        var udp = FreePort(SocketType.Dgram, ProtocolType.Udp);
        var http = FreePort(SocketType.Stream, ProtocolType.Tcp);
        var fifo = Path.Combine(_dir.FullName, "fifo");
        var unix = Path.Combine(_dir.FullName, "mi.sock");
        var run = CliRun.RunAsync(["emulator", "--udp", $"{udp}", "--http", $"{http}", "--fifo", fifo, "--unix", unix], null, emulator: EmulatorFactory.Default, stopAfter: TimeSpan.FromSeconds(4));

        string? uptime = null;
        for (var attempt = 0; attempt < 40 && uptime is null; attempt++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            var call = await CliRun.RunAsync("-u", $"udp://127.0.0.1:{udp}", "-u", $"http://127.0.0.1:{http}/mi", "-u", $"unix://{unix}", "-t", "1", "-o", "json", "uptime");
            uptime = call.ExitCode == 0 ? call.Out : null;
        }

        var result = await run;
        Assert.NotNull(uptime);
        Assert.Equal(3, JsonDocument.Parse(uptime).RootElement.EnumerateObject().Count());
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"udp://127.0.0.1:{udp}\n", result.Out, StringComparison.Ordinal);
        Assert.Contains($"http://127.0.0.1:{http}/mi\n", result.Out, StringComparison.Ordinal);
        Assert.Contains(fifo + "\n", result.Out, StringComparison.Ordinal);
        Assert.Contains(unix + "\n", result.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(fifo));
        Assert.False(File.Exists(unix));
    }

    [Fact]
    public async Task A_taken_udp_port_is_a_clear_error()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)holder.LocalEndPoint!).Port;

        var run = await CliRun.RunAsync(["emulator", "--udp", $"{port}"], null, emulator: EmulatorFactory.Default, stopAfter: TimeSpan.FromSeconds(5));

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith($"cannot bind the emulated mi_datagram to udp://127.0.0.1:{port}: ", run.Error, StringComparison.Ordinal);
        Assert.Equal(1, run.Error.Count(c => c == '\n'));
    }

    [Fact]
    public async Task A_taken_http_port_is_a_clear_error()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var run = await CliRun.RunAsync(["emulator", "--http", $"{port}"], null, emulator: EmulatorFactory.Default, stopAfter: TimeSpan.FromSeconds(5));

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith($"cannot bind the emulated httpd to 127.0.0.1:{port}: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_existing_fifo_path_is_a_clear_error_and_is_left_alone()
    {
        var path = Path.Combine(_dir.FullName, "taken");
        await File.WriteAllTextAsync(path, "keep", TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync(["emulator", "--fifo", path], null, emulator: EmulatorFactory.Default, stopAfter: TimeSpan.FromSeconds(5));

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("something already exists there", run.Error, StringComparison.Ordinal);
        Assert.Equal("keep", await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("unix")]
    [InlineData("http")]
    [InlineData("xmlrpc")]
    [InlineData("fifo")]
    public async Task Emulated_works_on_every_transport(string transport)
    {
        var run = await CliRun.RunAsync(["--emulated", "--transport", transport, "-o", "json", "get_statistics", "dialog:"], null, emulator: EmulatorFactory.Default);

        Assert.Equal(string.Empty, run.Error);
        Assert.Equal(0, run.ExitCode);
        Assert.True(JsonDocument.Parse(run.Out).RootElement.TryGetProperty("dialog:active_dialogs", out _));
    }

    [Fact]
    public async Task Transport_without_emulated_is_a_usage_error()
    {
        var run = await CliRun.RunAsync("-u", "udp://127.0.0.1:9", "--transport", "fifo", "uptime");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--transport", run.Error, StringComparison.Ordinal);
    }
}
