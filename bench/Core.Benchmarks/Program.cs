using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Core.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
