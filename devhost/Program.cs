using System.Globalization;

namespace RpsServerless.DevHost;

/// <summary><c>dotnet RpsServerless.DevHost.dll [--port N]</c>: the Function App on http://127.0.0.1:7071/api.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var port = DevHostOptions.DefaultPort;
        var index = Array.IndexOf(args, "--port");
        if (index >= 0 && (index + 1 >= args.Length || !int.TryParse(args[index + 1], NumberStyles.None, CultureInfo.InvariantCulture, out port)))
        {
            Console.Error.WriteLine("usage: devhost [--port N]");
            return 2;
        }
        var rest = index >= 0 ? args.Where((_, i) => i != index && i != index + 1).ToArray() : args;

        await using var host = await DevHostApplication.StartAsync(new DevHostOptions { Port = port, Args = rest });
        var api = new Uri(host.BaseAddress, "api/");
        Console.WriteLine();
        Console.WriteLine($"RpsServerless devhost listening on {host.BaseAddress}  ({host.Functions.Count} functions; Ctrl+C stops)");
        foreach (var function in host.Functions)
            Console.WriteLine($"  {function.Name,-28} {Describe(function)}");
        if (host.Azurite is { } azurite)
            Console.WriteLine($"  Azurite (started here, data in {azurite.Options.DataDirectory}): queues :{azurite.QueuePort}, tables :{azurite.TablePort}");
        Console.WriteLine();
        Console.WriteLine("Try:");
        Console.WriteLine($"  curl -s {api}health");
        Console.WriteLine($"  curl -s -X POST {api}screenings -H 'Content-Type: application/json' -H 'Idempotency-Key: demo-0042' \\");
        Console.WriteLine("       --data @devhost/samples/screening-submission.json");
        Console.WriteLine();
        await host.WaitForShutdownAsync();
        return 0;
    }

    private static string Describe(FunctionDescriptor function) => function.Trigger switch
    {
        FunctionTrigger.Http => $"{string.Join(",", function.HttpMethods ?? [])} /api/{function.Route}",
        FunctionTrigger.Queue => $"queue {function.QueueName}",
        FunctionTrigger.Timer => $"timer {function.Schedule}",
        _ => "",
    };
}
