using System.Net.Sockets;
using Azure;
using Azure.Messaging.ServiceBus;

namespace RpsServerless.Functions.Storage;

/// <summary>
/// Tells "the storage account (or queue, or topic) cannot be reached right now" apart from every other failure.
/// The HTTP layer answers the first with 503 + Retry-After; the queue host retries the message.
/// </summary>
public static class StorageFailures
{
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        // Status 0: no HTTP response at all (connection refused, DNS, reset). 5xx: the service itself failed.
        // 408: the service timed out the request.
        RequestFailedException { Status: 0 or 408 or >= 500 } => true,
        RequestFailedException => false,
        ServiceBusException { IsTransient: true } => true,
        HttpRequestException or SocketException or TimeoutException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnavailable),
        // The SDK reports its own network timeout as a cancellation the caller did not ask for.
        OperationCanceledException { InnerException: { } inner } => IsUnavailable(inner),
        IOException when exception.InnerException is SocketException => true,
        _ when exception.InnerException is not null => IsUnavailable(exception.InnerException),
        _ => false,
    };
}
