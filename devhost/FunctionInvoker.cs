using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Http;

namespace RpsServerless.DevHost;

/// <summary>
/// Calls a function method the way the Functions host would: a new instance of the function class per invocation,
/// created from a fresh scope of the shared composition, with the trigger input bound by parameter type and name,
/// and an invocation id in the log scope (functions take no <c>FunctionContext</c>).
/// </summary>
public sealed class FunctionInvoker(IServiceScopeFactory scopes, ILogger<FunctionInvoker> logger)
{
    public async Task InvokeHttpAsync(FunctionDescriptor function, HttpContext context)
    {
        var arguments = function.Method.GetParameters().Select(parameter => parameter.ParameterType switch
        {
            var t when t == typeof(HttpRequest) => context.Request,
            var t when t == typeof(CancellationToken) => context.RequestAborted,
            var t => RouteValue(context, parameter.Name!, t),
        }).ToArray();

        object? result;
        try
        {
            result = await InvokeAsync(function, context.RequestServices, arguments);
        }
        catch (Exception exception) when (!context.RequestAborted.IsCancellationRequested)
        {
            // What the Functions host does with an unhandled exception: a 500 — here without internals too.
            logger.LogError(LogEvents.UnhandledException, exception, "Function {FunctionName} failed", function.Name);
            result = Problems.Internal(context);
        }

        switch (result)
        {
            case IResult httpResult:
                await httpResult.ExecuteAsync(context);
                break;
            case IActionResult actionResult:
                await actionResult.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                break;
            case null:
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            default:
                await context.Response.WriteAsJsonAsync(result, result.GetType(), ApiJson.Options, context.RequestAborted);
                break;
        }
    }

    /// <summary>
    /// Runs a queue-triggered function with the decoded message: as text, as the SDK's <see cref="QueueMessage"/> (id,
    /// dequeue count, insertion time, body — what the Functions host binds), or as a JSON record. Exceptions propagate
    /// to the pump (retry/poison).
    /// </summary>
    public async Task InvokeQueueAsync(FunctionDescriptor function, QueueDelivery delivery, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var arguments = function.Method.GetParameters().Select(parameter => parameter.ParameterType switch
        {
            var t when t == typeof(CancellationToken) => cancellationToken,
            var t when t == typeof(string) => delivery.Text,
            var t when t == typeof(QueueMessage) => QueuesModelFactory.QueueMessage(delivery.MessageId, popReceipt: "",
                BinaryData.FromString(delivery.Text), delivery.DequeueCount, insertedOn: delivery.InsertedOn),
            var t => (object?)JsonSerializer.Deserialize(delivery.Text, t, ApiJson.Options),
        }).ToArray();
        await InvokeAsync(function, scope.ServiceProvider, arguments);
    }

    public async Task InvokeTimerAsync(FunctionDescriptor function, TimerInfo timer, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var arguments = function.Method.GetParameters()
            .Select(parameter => parameter.ParameterType == typeof(TimerInfo) ? timer : (object)cancellationToken)
            .ToArray();
        await InvokeAsync(function, scope.ServiceProvider, arguments);
    }

    private async Task<object?> InvokeAsync(FunctionDescriptor function, IServiceProvider services, object?[] arguments)
    {
        using var scope = logger.BeginInvocation(function.Name, Guid.NewGuid().ToString());
        var instance = function.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, function.FunctionClass);
        try
        {
            var returned = function.Method.Invoke(instance, arguments);
            return returned switch
            {
                Task task => await Unwrap(task),
                ValueTask valueTask => await AwaitNoResult(valueTask),
                { } value when value.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(ValueTask<>)
                    => await Unwrap((Task)type.GetMethod(nameof(ValueTask.AsTask))!.Invoke(value, null)!),
                _ => returned,
            };
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception.InnerException);
            throw;
        }
        finally
        {
            switch (instance)
            {
                case IAsyncDisposable asyncDisposable: await asyncDisposable.DisposeAsync(); break;
                case IDisposable disposable: disposable.Dispose(); break;
            }
        }
    }

    private static async Task<object?> AwaitNoResult(ValueTask task)
    {
        await task;
        return null;
    }

    private static async Task<object?> Unwrap(Task task)
    {
        await task;
        var type = task.GetType();
        return type.IsGenericType && type.GetGenericArguments()[0].Name != "VoidTaskResult"
            ? type.GetProperty(nameof(Task<object>.Result))!.GetValue(task)
            : null;
    }

    private static object? RouteValue(HttpContext context, string name, Type type)
    {
        var raw = context.GetRouteValue(name)?.ToString();
        if (raw is null)
            return type.IsValueType ? Activator.CreateInstance(type) : null;
        return TypeDescriptor.GetConverter(type).ConvertFromString(null, CultureInfo.InvariantCulture, raw);
    }
}
