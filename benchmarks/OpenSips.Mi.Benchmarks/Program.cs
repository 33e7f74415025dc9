using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/OpenSips.Mi.Benchmarks -- --filter '*' [--job short]
BenchmarkSwitcher.FromAssembly(typeof(OpenSips.Mi.Benchmarks.Inputs).Assembly).Run(args);
