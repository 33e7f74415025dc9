using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenSips.Mi.Tests.Support;

namespace OpenSips.Mi.Tests.Core;

public sealed class DiagnosticsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_call_records_a_client_span_and_metrics()
    {
        using var server = new RawUdpServer();
        var spans = new ConcurrentQueue<Activity>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MiDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(activityListener);
        var measurements = new ConcurrentQueue<(string Instrument, object Value, string? Endpoint)>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == MiDiagnostics.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Method(tags))));
        meterListener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Method(tags))));
        meterListener.Start();

        await using var client = MiClient.Connect(server.Uri);
        var call = client.CommandAsync("diag_probe", Ct);
        var (request, from) = await server.ReceiveAsync(Ct);
        await server.ReplyAsync(request, from, "1", Ct);
        await call;

        var span = Assert.Single(spans, s => s.OperationName == "diag_probe");
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal("jsonrpc", span.GetTagItem("rpc.system"));
        Assert.Equal("diag_probe", span.GetTagItem("rpc.method"));
        Assert.Equal(server.Uri, span.GetTagItem("server.address"));
        Assert.Equal("ok", span.GetTagItem("opensips.mi.outcome"));
        Assert.Contains(measurements, m => m.Instrument == "opensips.mi.calls" && m.Endpoint == "diag_probe" && (long)m.Value == 1);
        Assert.Contains(measurements, m => m.Instrument == "opensips.mi.call.duration" && m.Endpoint == "diag_probe");
        Assert.DoesNotContain(measurements, m => m.Instrument == "opensips.mi.errors" && m.Endpoint == "diag_probe");
    }

    private static string? Method(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "rpc.method")
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
