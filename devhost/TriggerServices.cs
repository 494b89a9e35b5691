using Azure.Storage.Queues;
using RpsServerless.Functions.Storage;

namespace RpsServerless.DevHost;

/// <summary>Pumps every storage-queue trigger of the catalogue, one <see cref="QueuePump"/> per function.</summary>
public sealed class QueueTriggerService(
    FunctionCatalogHolder catalog,
    HostSettings settings,
    StorageConnection storage,
    FunctionInvoker invoker,
    ILoggerFactory loggers) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var functions = catalog.Functions.Where(function => function.Trigger == FunctionTrigger.Queue).ToList();
        if (functions.Count == 0)
            return Task.CompletedTask;
        var rawQueues = storage.CreateQueueServiceClient(QueueMessageEncoding.None);
        return Task.WhenAll(functions.Select(function =>
        {
            var pump = new QueuePump(rawQueues, function.QueueName!, settings.Queues,
                (delivery, ct) => invoker.InvokeQueueAsync(function, delivery, ct),
                loggers.CreateLogger($"{typeof(QueuePump).FullName}.{function.Name}"));
            return pump.RunAsync(stoppingToken);
        }));
    }
}

/// <summary>Runs every timer trigger of the catalogue on its schedule, with the composition's <see cref="TimeProvider"/>.</summary>
public sealed class TimerTriggerService(
    FunctionCatalogHolder catalog,
    FunctionInvoker invoker,
    TimeProvider time,
    IConfiguration configuration,
    ILoggerFactory loggers) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(catalog.Functions.Where(function => function.Trigger == FunctionTrigger.Timer).Select(function =>
        {
            var runner = new TimerRunner(function.Name, TimerSchedule.Parse(ResolveSetting(function.Schedule!)), function.RunOnStartup,
                (timer, ct) => invoker.InvokeTimerAsync(function, timer, ct), time,
                loggers.CreateLogger($"{typeof(TimerRunner).FullName}.{function.Name}"));
            return runner.RunAsync(stoppingToken);
        }));

    /// <summary>As in the Functions host, <c>%Name%</c> takes the schedule from app setting <c>Name</c>.</summary>
    private string ResolveSetting(string schedule) =>
        schedule.Length > 2 && schedule.StartsWith('%') && schedule.EndsWith('%')
            ? configuration[schedule[1..^1]] ?? throw new InvalidOperationException($"App setting {schedule} is not set.")
            : schedule;
}

/// <summary>The loaded catalogue, shared by the HTTP routes and the trigger services.</summary>
public sealed record FunctionCatalogHolder(IReadOnlyList<FunctionDescriptor> Functions);
