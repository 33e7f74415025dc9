using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenSips.Mi.Commands;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Docs.Tests.Snippets;

/// <summary>A delegating handler of the application's own, added to the MI clients' HTTP pipeline.</summary>
public sealed class MyAuditHandler : DelegatingHandler;

public static class IntegrationSnippets
{
    [CompileOnly("an ASP.NET Core host bound to a port; samples/MinimalApi runs the same against the emulator")]
    public static void DependencyInjection(string[] args)
    {
        #region di-minimal-api
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddOpenSipsMi(builder.Configuration.GetSection("OpenSipsMi"));
        // or in code
        builder.Services.AddOpenSipsMi(o =>
        {
            o.Url = "udp://127.0.0.1:8809";
            o.Timeout = TimeSpan.FromSeconds(2);
        });

        var app = builder.Build();
        app.MapGet("/uptime", async (MiClient mi) => (await mi.UptimeAsync()).UpTimeText);   // using OpenSips.Mi.Commands;
        app.Run();
        #endregion
    }

    [CompileOnly("an ASP.NET Core host with two servers' addresses")]
    public static void Named(WebApplicationBuilder builder)
    {
        #region di-named
        builder.Services.AddOpenSipsMi("edge-1", builder.Configuration.GetSection("OpenSips:Edge1"));
        builder.Services.AddOpenSipsMi("edge-2", o => o.Url = "udp://10.0.0.2:8809");

        var app = builder.Build();
        app.MapGet("/edge-1/uptime", async ([FromKeyedServices("edge-1")] MiClient mi) => (await mi.UptimeAsync()).UpTimeText);
        MiClient edge2 = app.Services.GetRequiredKeyedService<MiClient>("edge-2");
        #endregion
    }

    [CompileOnly("an ASP.NET Core host")]
    public static void Handlers(WebApplicationBuilder builder)
    {
        #region di-http-handler
        builder.Services.AddTransient<MyAuditHandler>();
        builder.Services.AddHttpClient(OpenSipsMiServiceCollectionExtensions.HttpClientName("edge-1"))
            .AddHttpMessageHandler<MyAuditHandler>();
        #endregion
    }

    [CompileOnly("an ASP.NET Core host")]
    public static void Health(WebApplicationBuilder builder)
    {
        #region di-health
        builder.Services.AddHealthChecks()
            .AddOpenSipsMi()                                                     // the default client, "uptime", 2 s
            .AddOpenSipsMi("edge-1", command: "version", timeout: TimeSpan.FromSeconds(1),
                           degradedAfter: TimeSpan.FromMilliseconds(300), tags: ["ready"]);

        var app = builder.Build();
        app.MapHealthChecks("/health");
        #endregion
    }

    [Runs]
    public static async Task Provider(MiEmulator emulator)
    {
        #region di-service-provider
        var services = new ServiceCollection();
        services.AddOpenSipsMi(o => o.Url = emulator.UdpUri);
        await using var provider = services.BuildServiceProvider();   // disposes the client with it

        MiClient mi = provider.GetRequiredService<MiClient>();
        UptimeInfo up = await mi.UptimeAsync();
        #endregion

        Assert.NotNull(up.UpTimeText);
    }

    [Runs]
    public static async Task Logging(MiEmulator emulator)
    {
        #region logging
        using var loggerFactory = LoggerFactory.Create(b => b.AddConsole().SetMinimumLevel(LogLevel.Debug));
        await using var mi = MiClient.Connect(new DatagramOptions("127.0.0.1", new Uri(emulator.UdpUri).Port) { LoggerFactory = loggerFactory });
        await mi.CommandAsync("uptime");   // dbug: OpenSips.Mi.MiClient[2] MI uptime on udp 127.0.0.1:…: ok in 0.4 ms
        #endregion
    }

    [Runs]
    public static async Task Diagnostics(MiClient mi)
    {
        var spans = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var calls = 0L;
        #region diagnostics-listeners
        // OpenTelemetry: .WithTracing(t => t.AddSource(MiDiagnostics.Name)).WithMetrics(m => m.AddMeter(MiDiagnostics.Name));
        // the same names work with the BCL's own listeners (process-wide, called on any thread: collect thread-safely):
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MiDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity => spans.Enqueue($"{activity.DisplayName} {activity.GetTagItem("opensips.mi.outcome")}"),
        };
        ActivitySource.AddActivityListener(activities);

        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == MiDiagnostics.Name && instrument.Name == "opensips.mi.calls")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref calls, value));
        meters.Start();

        await mi.CommandAsync("uptime");   // spans: "uptime ok"; opensips.mi.calls: 1
        #endregion

        Assert.Contains("uptime ok", spans);
        Assert.True(Interlocked.Read(ref calls) >= 1);
    }
}
