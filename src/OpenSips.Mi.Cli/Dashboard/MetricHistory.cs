namespace OpenSips.Mi.Cli.Dashboard;

/// <summary>One point of a time series: unix time in milliseconds and the value.</summary>
internal readonly record struct MetricPoint(long TimeMs, double Value);

/// <summary>
/// A bounded time series in a ring: at most <see cref="Capacity"/> points, the oldest dropped first. A run of equal values
/// keeps only its first and last point (the last one's time moves forward), so a quiet counter costs two points however long
/// it stays flat, and a chart drawn point to point still shows the flat line. The arrays start small and grow to the
/// capacity only for a series that keeps changing. Not thread-safe: <see cref="MetricHistory"/> locks.
/// </summary>
internal sealed class SeriesRing
{
    private const int InitialSize = 8;
    private long[] _times;
    private double[] _values;
    private int _start;
    private int _count;

    public SeriesRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        Capacity = capacity;
        _times = new long[Math.Min(capacity, InitialSize)];
        _values = new double[_times.Length];
    }

    public int Capacity { get; }

    /// <summary>The points the arrays can hold now (grows up to <see cref="Capacity"/>).</summary>
    public int Allocated => _times.Length;

    public int Count => _count;

    public MetricPoint this[int index] => index >= 0 && index < _count
        ? new MetricPoint(_times[Slot(index)], _values[Slot(index)])
        : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Appends a point; a point older than the last one is ignored (clocks only move forward here).</summary>
    public void Add(long timeMs, double value)
    {
        if (_count > 0 && timeMs < _times[Slot(_count - 1)])
        {
            return;
        }

        if (_count >= 2 && value.Equals(_values[Slot(_count - 1)]) && value.Equals(_values[Slot(_count - 2)]))
        {
            _times[Slot(_count - 1)] = timeMs;
            return;
        }

        if (_count == _times.Length && _times.Length < Capacity)
        {
            Grow();
        }
        else if (_count == _times.Length)
        {
            _start = (_start + 1) % _times.Length;
            _count--;
        }

        var slot = Slot(_count);
        _times[slot] = timeMs;
        _values[slot] = value;
        _count++;
    }

    /// <summary>
    /// Drops the points before <paramref name="cutoffMs"/>; a flat run that started before it is kept from the cutoff on, so
    /// the line still reaches the left edge of the window.
    /// </summary>
    public void TrimBefore(long cutoffMs)
    {
        while (_count > 0 && _times[_start] < cutoffMs)
        {
            if (_count >= 2 && _times[Slot(1)] >= cutoffMs && _values[_start].Equals(_values[Slot(1)]))
            {
                _times[_start] = cutoffMs;
                return;
            }

            _start = (_start + 1) % _times.Length;
            _count--;
        }
    }

    /// <summary>The points at or after <paramref name="sinceMs"/>, oldest first.</summary>
    public MetricPoint[] Since(long sinceMs)
    {
        var result = new List<MetricPoint>(_count);
        for (var i = 0; i < _count; i++)
        {
            var slot = Slot(i);
            if (_times[slot] >= sinceMs)
            {
                result.Add(new MetricPoint(_times[slot], _values[slot]));
            }
        }

        return [.. result];
    }

    private int Slot(int index) => (_start + index) % _times.Length;

    private void Grow()
    {
        var size = (int)Math.Min(Capacity, _times.Length * 2L);
        var times = new long[size];
        var values = new double[size];
        for (var i = 0; i < _count; i++)
        {
            times[i] = _times[Slot(i)];
            values[i] = _values[Slot(i)];
        }

        (_times, _values, _start) = (times, values, 0);
    }
}

/// <summary>
/// The recent history of one server's statistics: one <see cref="SeriesRing"/> per name, created on first sight, each kept
/// to <see cref="Window"/> (and <see cref="PointsPerSeries"/> points). Thread-safe: the poller records while pages read.
/// </summary>
internal sealed class MetricHistory
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SeriesRing> _series = new(StringComparer.Ordinal);

    public MetricHistory(TimeSpan window, TimeSpan interval)
    {
        if (window <= TimeSpan.Zero || interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), "the history window and the poll interval must be positive");
        }

        Window = window;

        // One point per poll over the window, plus the two a flat run keeps, plus slack for a late timer tick.
        PointsPerSeries = (int)Math.Min(1_000_000, Math.Ceiling(window / interval) + 8);
    }

    public TimeSpan Window { get; }

    public int PointsPerSeries { get; }

    /// <summary>The names of every series recorded so far.</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_gate)
            {
                return [.. _series.Keys];
            }
        }
    }

    /// <summary>Records one sample of several series at the same time, then trims everything older than the window.</summary>
    public void Record(DateTimeOffset at, IEnumerable<KeyValuePair<string, double>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var time = at.ToUnixTimeMilliseconds();
        var cutoff = time - (long)Window.TotalMilliseconds;
        lock (_gate)
        {
            foreach (var (name, value) in values)
            {
                if (!_series.TryGetValue(name, out var ring))
                {
                    ring = new SeriesRing(PointsPerSeries);
                    _series.Add(name, ring);
                }

                ring.Add(time, value);
            }

            foreach (var ring in _series.Values)
            {
                ring.TrimBefore(cutoff);
            }
        }
    }

    /// <summary>The points of one series at or after <paramref name="since"/> (empty for an unknown name).</summary>
    public MetricPoint[] Points(string name, DateTimeOffset since)
    {
        lock (_gate)
        {
            return _series.TryGetValue(name, out var ring) ? ring.Since(since.ToUnixTimeMilliseconds()) : [];
        }
    }

    /// <summary>How many points all series hold together (for the memory figure).</summary>
    public long TotalPoints
    {
        get
        {
            lock (_gate)
            {
                return _series.Values.Sum(r => (long)r.Count);
            }
        }
    }
}
