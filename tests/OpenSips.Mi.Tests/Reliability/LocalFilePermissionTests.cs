using System.Text.RegularExpressions;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Tests.Reliability;

/// <summary>
/// Issue 8: the files the client creates for OpenSIPS to answer into — mi_fifo reply FIFOs and the mi_datagram unix
/// client socket — live in the directory the user chose, have unpredictable names, and the narrowest mode that still lets
/// an OpenSIPS running as another user answer: owner read/write, group and others write only (0622). The reply FIFO's
/// mode is also checked against the fake server in <see cref="Fifo.FifoTransportTests"/>.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class LocalFilePermissionTests
{
    private const UnixFileMode AnswerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex("^osmi_[0-9a-f]{32}$")]
    private static partial Regex ReplyFifoName();

    [GeneratedRegex("^opensips-mi-[0-9a-f]{16}\\.sock$")]
    private static partial Regex ClientSocketName();

    [Fact]
    public void Reply_fifo_names_carry_128_random_bits()
    {
        var names = Enumerable.Range(0, 4096).Select(_ => ReplyFifo.NewName()).ToArray();

        Assert.All(names, n => Assert.Matches(ReplyFifoName(), n));
        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());

        // Every hex digit position takes (nearly) all 16 values: nothing is a counter, a pid or a timestamp.
        for (var position = 5; position < ReplyFifo.NameLength; position++)
        {
            Assert.True(names.Select(n => n[position]).Distinct().Count() == 16, $"position {position} is not uniformly random");
        }
    }

    [Fact]
    public async Task Reply_fifos_are_0622_in_the_chosen_directory_and_differ_per_call()
    {
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableHttp = false, EnableUdp = false, EnableUnix = false }, Ct);
        var modes = new List<UnixFileMode>();
        emulator.Handle("peek", request =>
        {
            var path = Path.Combine(emulator.FifoReplyDirectory, request.FifoReplyName!);
            modes.Add(File.GetUnixFileMode(path));
            return MiEmulatorReply.Ok;
        });
        await using var client = MiClient.Connect(new FifoOptions(emulator.FifoPath) { ReplyDirectory = emulator.FifoReplyDirectory, ReuseReplyFifos = false });

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await client.CommandAsync("peek", Ct)).IsSuccess);
        }

        Assert.All(modes, m => Assert.Equal(AnswerOnly, m));
        var names = emulator.Received.Select(r => r.FifoReplyName!).ToArray();
        Assert.All(names, n => Assert.Matches(ReplyFifoName(), n));
        Assert.Equal(3, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Empty(Directory.GetFileSystemEntries(emulator.FifoReplyDirectory));
    }

    [Fact]
    public async Task The_unix_client_socket_is_0622_in_the_chosen_directory_with_a_random_name_and_removed_on_dispose()
    {
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableHttp = false, EnableUdp = false, EnableFifo = false }, Ct);
        var directory = Directory.CreateTempSubdirectory("osmi-client-");
        try
        {
            var options = new UnixDatagramOptions(emulator.UnixSocketPath) { ClientSocketDirectory = directory.FullName };
            var first = MiClient.Connect(options);
            var second = MiClient.Connect(options);
            Assert.True((await first.CommandAsync("uptime", Ct)).IsSuccess);

            var sockets = Directory.GetFileSystemEntries(directory.FullName);
            Assert.Equal(2, sockets.Length);
            Assert.All(sockets, s => Assert.Matches(ClientSocketName(), Path.GetFileName(s)));
            Assert.All(sockets, s => Assert.Equal(AnswerOnly, File.GetUnixFileMode(s)));

            await first.DisposeAsync();
            await second.DisposeAsync();
            Assert.Empty(Directory.GetFileSystemEntries(directory.FullName));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
