using OpenSips.Mi.Cli;
using OpenSips.Mi.Cli.Hosting;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C stops live views and pending calls cleanly; a second one kills the process.
    if (!cancel.IsCancellationRequested)
    {
        e.Cancel = true;
        cancel.Cancel();
    }
};

return await Cli.RunAsync(args, CliEnvironment.FromConsole(), cancel.Token);
