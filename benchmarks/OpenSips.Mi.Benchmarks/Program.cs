using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/OpenSips.Mi.Benchmarks -- --filter '*' [--job short]
// dotnet run -c Release --project benchmarks/OpenSips.Mi.Benchmarks -- allocations [CALLS]   (bytes per call by type)
if (args is ["allocations", ..])
{
    return await OpenSips.Mi.Benchmarks.AllocationProfile.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 300_000);
}

BenchmarkSwitcher.FromAssembly(typeof(OpenSips.Mi.Benchmarks.Inputs).Assembly).Run(args);
return 0;
