// A Worker Service that polls OpenSIPS's statistics through MI.
//   dotnet run --project samples/WorkerStats                        -> OpenSipsMi:Url from appsettings.json
//   dotnet run --project samples/WorkerStats -- --emulated          -> an in-process MiEmulator instead of OpenSIPS
//   dotnet run --project samples/WorkerStats -- --emulated --Poll:Iterations=2 --Poll:Interval=00:00:01
using OpenSips.Mi.Testing;
using WorkerStats;

var emulated = args.Contains("--emulated");
var builder = Host.CreateApplicationBuilder(args.Where(a => a != "--emulated").ToArray());

await using var emulator = emulated ? await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUnix = false }) : null;
if (emulator is not null)
{
    builder.Configuration["OpenSipsMi:Url"] = emulator.UdpUri;
}

builder.Services.AddOpenSipsMi(builder.Configuration.GetSection("OpenSipsMi"));
builder.Services.Configure<PollOptions>(builder.Configuration.GetSection("Poll"));
builder.Services.AddHostedService<StatisticsPoller>();

await builder.Build().RunAsync();
