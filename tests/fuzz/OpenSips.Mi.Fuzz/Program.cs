using OpenSips.Mi.Fuzz;
using SharpFuzz;

// Usage: OpenSips.Mi.Fuzz <target>            under afl-fuzz (reads each input from stdin, forkserver mode)
//        OpenSips.Mi.Fuzz <target> --libfuzzer  under libfuzzer-dotnet
//        OpenSips.Mi.Fuzz <target> <file>…       replays files (a crash found by either fuzzer)
if (args.Length == 0 || !FuzzTargets.Names.Contains(args[0]))
{
    Console.Error.WriteLine($"usage: OpenSips.Mi.Fuzz <{string.Join("|", FuzzTargets.Names)}> [--libfuzzer | file…]");
    return 2;
}

var target = args[0];
if (args.Length > 1 && args[1] == "--libfuzzer")
{
    Fuzzer.LibFuzzer.Run(span => FuzzTargets.Run(target, span));
}
else if (args.Length > 1)
{
    foreach (var file in args.Skip(1))
    {
        FuzzTargets.Run(target, File.ReadAllBytes(file));
    }
}
else
{
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        FuzzTargets.Run(target, buffer.ToArray());
    });
}

return 0;
