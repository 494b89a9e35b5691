using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace RpsServerless.DevHost;

public enum FunctionTrigger
{
    Http,
    Queue,
    Timer,
}

/// <summary>One function as the build's <c>functions.metadata</c> describes it, resolved to its method.</summary>
public sealed record FunctionDescriptor(
    string Name,
    FunctionTrigger Trigger,
    MethodInfo Method,
    string TriggerParameter,
    string? Route = null,
    IReadOnlyList<string>? HttpMethods = null,
    string? QueueName = null,
    string? Connection = null,
    string? Schedule = null,
    bool RunOnStartup = false)
{
    public Type FunctionClass => Method.DeclaringType!;
}

/// <summary>
/// Reads <c>functions.metadata</c> — the file the real host reads — so trigger attributes stay the one source of
/// truth for routes, queue names and schedules. Refuses, at start, any function the devhost could not run the
/// way the Functions host would (unknown trigger, a parameter it cannot bind).
/// </summary>
public static class FunctionCatalog
{
    public const string MetadataFileName = "functions.metadata";

    public static IReadOnlyList<FunctionDescriptor> Load(string metadataPath, Assembly functionsAssembly)
    {
        using var stream = File.OpenRead(metadataPath);
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.EnumerateArray().Select(function => Describe(function, functionsAssembly)).ToList();
    }

    private static FunctionDescriptor Describe(JsonElement function, Assembly assembly)
    {
        var name = function.GetProperty("name").GetString()!;
        var entryPoint = function.GetProperty("entryPoint").GetString()!;
        var split = entryPoint.LastIndexOf('.');
        var type = assembly.GetType(entryPoint[..split], throwOnError: true)!;
        var method = type.GetMethod(entryPoint[(split + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            ?? throw new InvalidOperationException($"Function {name}: entry point {entryPoint} not found.");

        var trigger = function.GetProperty("bindings").EnumerateArray()
            .Single(binding => binding.GetProperty("direction").GetString() == "In" &&
                               binding.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
        var triggerType = trigger.GetProperty("type").GetString();
        var parameter = trigger.GetProperty("name").GetString()!;

        var descriptor = triggerType switch
        {
            "httpTrigger" => new FunctionDescriptor(name, FunctionTrigger.Http, method, parameter,
                Route: String(trigger, "route") ?? name,
                HttpMethods: trigger.TryGetProperty("methods", out var methods) && methods.ValueKind == JsonValueKind.Array
                    ? methods.EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).ToList()
                    : []),
            "queueTrigger" => new FunctionDescriptor(name, FunctionTrigger.Queue, method, parameter,
                QueueName: String(trigger, "queueName"), Connection: String(trigger, "connection")),
            "timerTrigger" => new FunctionDescriptor(name, FunctionTrigger.Timer, method, parameter,
                Schedule: String(trigger, "schedule"),
                RunOnStartup: trigger.TryGetProperty("runOnStartup", out var runOnStartup) && runOnStartup.ValueKind == JsonValueKind.True),
            _ => throw new NotSupportedException(
                $"Function {name}: trigger '{triggerType}' is not supported by the devhost (HTTP, storage queue and timer are)."),
        };
        CheckBindable(descriptor);
        return descriptor;
    }

    /// <summary>Only what both hosts can bind: see architecture.md, "Running locally".</summary>
    private static void CheckBindable(FunctionDescriptor function)
    {
        foreach (var parameter in function.Method.GetParameters())
        {
            var type = parameter.ParameterType;
            var ok = type == typeof(CancellationToken) || function.Trigger switch
            {
                FunctionTrigger.Http => type == typeof(HttpRequest) || IsRouteValueType(type),
                FunctionTrigger.Queue => parameter.Name == function.TriggerParameter && (type == typeof(string) || type.IsClass),
                FunctionTrigger.Timer => type == typeof(TimerInfo),
                _ => false,
            };
            if (!ok)
                throw new NotSupportedException(
                    $"Function {function.Name}: parameter '{parameter.Name}' of type {type.Name} cannot be bound by the devhost. " +
                    "Use HttpRequest, route parameters, CancellationToken, a queue payload (string or JSON record) or TimerInfo.");
        }
    }

    internal static bool IsRouteValueType(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying == typeof(string) || underlying.IsPrimitive || underlying == typeof(Guid) ||
               underlying == typeof(DateOnly) || underlying == typeof(decimal);
    }

    private static string? String(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
