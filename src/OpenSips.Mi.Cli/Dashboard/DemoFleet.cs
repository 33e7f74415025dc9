using System.Globalization;
using System.Text.Json.Nodes;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Cli.Dashboard;

/// <summary>
/// The servers of <c>dashboard --emulated</c>: in-process emulators on loopback UDP whose figures move (load, shared memory,
/// transactions, dialogs, requests), each with two registered users and a few dialogs that can be ended, and a t_uac_dlg that
/// really sends its NOTIFY (on loopback only). Something to look at and click without a server.
/// </summary>
internal sealed class DemoFleet : IAsyncDisposable
{
    private readonly List<Member> _members = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _ticker = Task.CompletedTask;

    private DemoFleet()
    {
    }

    public IReadOnlyList<string> Targets => [.. _members.Select(m => m.Emulator.UdpUri)];

    public static async Task<DemoFleet> StartAsync(int count, TimeSpan interval, CancellationToken cancellationToken)
    {
        var fleet = new DemoFleet();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var emulator = await MiEmulator.StartAsync(
                    new MiEmulatorOptions { EnableUdp = true, EnableHttp = false, EnableUnix = false, EnableFifo = false, RecordRequests = false },
                    cancellationToken);
                var member = new Member(emulator, MiEmulatorSipUac.Attach(emulator), new Random(i));
                fleet._members.Add(member);
                member.Seed(i);
            }
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }

        fleet._ticker = fleet.TickAsync(interval, fleet._stop.Token);
        return fleet;
    }

    private async Task TickAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                foreach (var member in _members)
                {
                    member.Tick();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _ticker;
        foreach (var member in _members)
        {
            await member.Sip.DisposeAsync();
            await member.Emulator.DisposeAsync();
        }

        _stop.Dispose();
    }

    private sealed class Member(MiEmulator emulator, MiEmulatorSipUac sip, Random random)
    {
        private readonly Lock _gate = new();
        private readonly List<JsonObject> _dialogs = [];
        private double _load;
        private long _shm;
        private int _nextDialog;

        public MiEmulator Emulator => emulator;

        public MiEmulatorSipUac Sip => sip;

        public void Seed(int index)
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var user in new[] { "alice", "bob" })
            {
                emulator.State.Usrloc.Add(user, new MiContact
                {
                    Contact = string.Create(CultureInfo.InvariantCulture, $"sip:{user}@127.0.0.1:{5070 + (index % 900)};transport=udp"),
                    ExpiresAt = now.AddHours(1),
                    UserAgent = user == "alice" ? "Polycom VVX 450" : "snom D785",
                    CallId = $"{user}-{index}@demo",
                });
            }

            for (var i = 0; i < 3; i++)
            {
                AddDialog();
            }

            _load = random.Next(5, 40);
            _shm = 16_000_000 + random.Next(0, 8_000_000);
            emulator.Handle("dlg_list", _ => ListDialogs());
            emulator.Handle("dlg_end_dlg", r => EndDialog(r.GetString("dialog_id", 0)));
        }

        public void Tick()
        {
            _load = Math.Clamp(_load + (random.NextDouble() * 10) - 5, 0, 100);
            _shm = Math.Clamp(_shm + random.Next(-400_000, 400_000), 8_000_000, 60_000_000);
            if (random.Next(10) == 0)
            {
                AddDialog();
            }

            var statistics = emulator.State.Statistics;
            statistics.Set("load:load", (long)_load, incremental: false);
            statistics.Set("shmem:used_size", _shm, incremental: false);
            statistics.Set("shmem:real_used_size", _shm + 1_200_000, incremental: false);
            statistics.Set("tm:inuse_transactions", random.Next(0, 40), incremental: false);
            statistics.Increment("core:rcv_requests", random.Next(20, 200));
            statistics.Increment("core:rcv_replies", random.Next(20, 200));
            lock (_gate)
            {
                statistics.Set("dialog:active_dialogs", _dialogs.Count, incremental: false);
            }

            var contacts = emulator.State.Usrloc.Aors.Sum(aor => emulator.State.Usrloc.Find(aor)?.Count ?? 0);
            statistics.Set("usrloc:location-contacts", contacts, incremental: false);
            statistics.Set("usrloc:location-users", emulator.State.Usrloc.Aors.Count, incremental: false);
        }

        private void AddDialog()
        {
            lock (_gate)
            {
                if (_dialogs.Count >= 12)
                {
                    _dialogs.RemoveAt(0);
                }

                var n = ++_nextDialog;
                _dialogs.Add(new JsonObject
                {
                    ["ID"] = string.Create(CultureInfo.InvariantCulture, $"{1000 + n}:{4000 + n}"),
                    ["state"] = 4,
                    ["user_flags"] = 0,
                    ["timestart"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                    ["timeout"] = DateTimeOffset.UtcNow.AddHours(12).ToUnixTimeSeconds(),
                    ["callid"] = string.Create(CultureInfo.InvariantCulture, $"demo-{n}@127.0.0.1"),
                    ["from_uri"] = n % 2 == 0 ? "sip:alice@example.com" : "sip:bob@example.com",
                    ["to_uri"] = string.Create(CultureInfo.InvariantCulture, $"sip:{200 + n}@example.com"),
                    ["caller_tag"] = string.Create(CultureInfo.InvariantCulture, $"tag{n}"),
                });
            }
        }

        private MiEmulatorReply ListDialogs()
        {
            lock (_gate)
            {
                return MiEmulatorReply.Result(new JsonObject { ["Dialogs"] = new JsonArray([.. _dialogs.Select(d => d.DeepClone())]) });
            }
        }

        private MiEmulatorReply EndDialog(string? id)
        {
            lock (_gate)
            {
                var index = _dialogs.FindIndex(d => (string?)d["ID"] == id);
                if (index < 0)
                {
                    return MiEmulatorReply.Error(404, "Requested Dialog not found");
                }

                _dialogs.RemoveAt(index);
                return MiEmulatorReply.Ok;
            }
        }
    }
}
