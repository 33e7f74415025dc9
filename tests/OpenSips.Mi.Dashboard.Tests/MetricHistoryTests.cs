using OpenSips.Mi.Cli.Dashboard;

namespace OpenSips.Mi.Dashboard.Tests;

/// <summary>The statistics history: a bounded ring per series, flat runs kept as two points, trimmed to the window.</summary>
public sealed class MetricHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_full_ring_drops_the_oldest_point()
    {
        var ring = new SeriesRing(3);
        ring.Add(1, 10);
        ring.Add(2, 20);
        ring.Add(3, 30);
        ring.Add(4, 40);

        Assert.Equal([new(2, 20), new(3, 30), new(4, 40)], ring.Since(0));
    }

    [Fact]
    public void A_flat_run_keeps_its_first_and_last_point_only()
    {
        var ring = new SeriesRing(10);
        for (var t = 1; t <= 6; t++)
        {
            ring.Add(t, 5);
        }

        ring.Add(7, 6);

        Assert.Equal([new(1, 5), new(6, 5), new(7, 6)], ring.Since(0));
    }

    [Fact]
    public void The_ring_grows_only_for_a_series_that_changes_and_keeps_its_order_across_growth()
    {
        var flat = new SeriesRing(1000);
        var busy = new SeriesRing(1000);
        for (var t = 0; t < 1000; t++)
        {
            flat.Add(t, 1);
            busy.Add(t, t);
        }

        busy.Add(1000, 1000);

        Assert.Equal(8, flat.Allocated);
        Assert.Equal(1000, busy.Allocated);
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (double)i), busy.Since(0).Select(p => p.Value));
    }

    [Fact]
    public void A_point_older_than_the_last_is_ignored()
    {
        var ring = new SeriesRing(4);
        ring.Add(10, 1);
        ring.Add(5, 2);

        Assert.Equal([new(10, 1)], ring.Since(0));
    }

    [Fact]
    public void Trimming_keeps_a_flat_run_that_crosses_the_cutoff_from_the_cutoff_on()
    {
        var ring = new SeriesRing(10);
        ring.Add(1, 3);
        ring.Add(2, 4);
        ring.Add(3, 4);
        ring.Add(9, 4);

        ring.TrimBefore(5);

        Assert.Equal([new(5, 4), new(9, 4)], ring.Since(0));
    }

    [Fact]
    public void Trimming_drops_points_before_the_cutoff()
    {
        var ring = new SeriesRing(10);
        ring.Add(1, 1);
        ring.Add(2, 2);
        ring.Add(6, 3);

        ring.TrimBefore(5);

        Assert.Equal([new(6, 3)], ring.Since(0));
    }

    [Fact]
    public void History_keeps_each_series_to_the_window()
    {
        var history = new MetricHistory(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
        for (var s = 0; s <= 120; s++)
        {
            history.Record(T0.AddSeconds(s), [new("load:load", s), new("tm:inuse_transactions", 7)]);
        }

        var load = history.Points("load:load", DateTimeOffset.MinValue);
        Assert.Equal(61, load.Length);
        Assert.Equal(T0.AddSeconds(60).ToUnixTimeMilliseconds(), load[0].TimeMs);
        Assert.Equal(120, load[^1].Value);

        // A constant costs two points however long it stays.
        Assert.Equal(2, history.Points("tm:inuse_transactions", DateTimeOffset.MinValue).Length);
        Assert.Equal(["load:load", "tm:inuse_transactions"], history.Names.Order());
        Assert.Empty(history.Points("no:such", DateTimeOffset.MinValue));
    }

    [Fact]
    public void History_sizes_its_rings_from_the_window_and_the_interval()
    {
        Assert.Equal(908, new MetricHistory(TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(1)).PointsPerSeries);
        Assert.Equal(1808, new MetricHistory(TimeSpan.FromMinutes(15), TimeSpan.FromMilliseconds(500)).PointsPerSeries);
    }

    [Fact]
    public void Points_since_a_time_leave_out_older_ones()
    {
        var history = new MetricHistory(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1));
        history.Record(T0, [new("a", 1)]);
        history.Record(T0.AddSeconds(1), [new("a", 2)]);
        history.Record(T0.AddSeconds(2), [new("a", 3)]);

        Assert.Equal([2.0, 3.0], history.Points("a", T0.AddSeconds(1)).Select(p => p.Value));
    }
}

/// <summary>The figures a card shows, read from a <c>get_statistics all</c> reply.</summary>
public sealed class KeyFiguresTests
{
    [Fact]
    public void Figures_come_from_the_usual_statistics()
    {
        var figures = KeyFigures.From(new Dictionary<string, long>
        {
            ["load:load"] = 12, ["shmem:real_used_size"] = 250, ["shmem:used_size"] = 200, ["shmem:total_size"] = 1000,
            ["tm:inuse_transactions"] = 4, ["dialog:active_dialogs"] = 9, ["usrloc:location-contacts"] = 5, ["usrloc:other-contacts"] = 2,
            ["usrloc:registered_users"] = 3,
        });

        Assert.Equal(new KeyFigures(12, 250, 1000, 4, 9, 7), figures);
        Assert.Equal(25.0, figures.ShmPercent);
        Assert.Equal([new(KeyFigures.ContactsSeries, 7), new(KeyFigures.ShmPercentSeries, 25.0)], figures.Synthetic());
    }

    [Fact]
    public void Missing_modules_leave_their_figures_empty_and_fall_back_where_they_can()
    {
        var figures = KeyFigures.From(new Dictionary<string, long> { ["shmem:used_size"] = 10, ["usrloc:registered_users"] = 3 });

        Assert.Equal(new KeyFigures(null, 10, null, null, null, 3), figures);
        Assert.Null(figures.ShmPercent);
    }

    [Fact]
    public void The_fleet_puts_unreachable_servers_first_then_the_busiest()
    {
        ServerSnapshot Server(int id, bool polled, bool reachable, double? load) =>
            new(id, $"udp://127.0.0.1:{9000 + id}", "mi_datagram", reachable, polled, null, 0, null, null, new KeyFigures(load, null, null, null, null, null), null, null, null, 0);
        var servers = new List<ServerSnapshot> { Server(0, true, true, 10), Server(1, true, false, null), Server(2, false, false, null), Server(3, true, true, 80) };

        servers.Sort(ServerSnapshot.CompareHealth);

        Assert.Equal([1, 2, 3, 0], servers.Select(s => s.Id));
    }
}
