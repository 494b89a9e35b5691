using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Queues;
using RpsServerless.Functions.Storage;

namespace RpsServerless.Functions.Tests.Operations;

public class PoisonMessagesTests
{
    private const string Body = """{"participantId":"NATARS-PKUIH-0007","reason":"allocated"}""";
    private static readonly DateTimeOffset Inserted = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private static QueueMessage Message(string id = "msg-1", long dequeueCount = 1) =>
        QueuesModelFactory.QueueMessage(id, "receipt", BinaryData.FromString(Body), dequeueCount, insertedOn: Inserted);

    private static (PoisonMessages Function, FakeTables Tables, EventLog Log) Create(Exception? failure = null)
    {
        var tables = new FakeTables(failure);
        var log = new EventLog();
        return (new PoisonMessages(tables, new FakeTimeProvider(Inserted.AddMinutes(1)), log), tables, log);
    }

    [Fact]
    public async Task APoisonedParticipantEvent_IsArchivedByQueueAndId_AndLoggedOnceAsAnError_WithoutItsBody()
    {
        var (function, tables, log) = Create();

        await function.OnParticipantEventPoisoned(Message(), CancellationToken.None);

        var row = Assert.Single(tables.Table.Added);
        Assert.Equal((TableNames.PoisonMessages, QueueNames.ParticipantEvents, "msg-1"), (tables.Table.Name, row.PartitionKey, row.RowKey));
        Assert.Equal(Body, row.GetString("MessageText"));
        Assert.Equal("participant-events-poison", row.GetString("PoisonQueue"));
        Assert.Equal(Inserted, row.GetDateTimeOffset("InsertedOn"));

        var entry = Assert.Single(log.Entries);
        Assert.Equal((LogLevel.Error, LogEvents.PoisonMessage), (entry.Level, entry.EventId));
        Assert.Equal("msg-1", entry.Values["MessageId"]);
        Assert.Equal(QueueNames.ParticipantEvents, entry.Values["Queue"]);
        Assert.Equal(1L, entry.Values["DequeueCount"]);
        Assert.Equal(Inserted, entry.Values["InsertedOn"]);
        Assert.DoesNotContain("NATARS-PKUIH-0007", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(entry.Values.Values, value => value?.ToString()?.Contains("NATARS-PKUIH-0007", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task APoisonedNotification_IsFiledUnderTheNotificationsQueue()
    {
        var (function, tables, _) = Create();
        await function.OnNotificationPoisoned(Message("msg-2"), CancellationToken.None);
        Assert.Equal(QueueNames.Notifications, Assert.Single(tables.Table.Added).PartitionKey);
    }

    [Fact]
    public async Task AMessageDeliveredAgainAfterItWasArchived_IsNotLoggedAsPoisonAgain()
    {
        var (function, _, log) = Create(new RequestFailedException(409, "EntityAlreadyExists"));
        await function.OnParticipantEventPoisoned(Message(dequeueCount: 2), CancellationToken.None);
        Assert.Equal(LogEvents.PoisonMessageAlreadyArchived, Assert.Single(log.Entries).EventId);
    }

    [Fact]
    public async Task WhenTheArchiveCannotBeWritten_TheFunctionThrows_SoTheMessageStaysOnThePoisonQueue()
    {
        var (function, _, log) = Create(new RequestFailedException(503, "ServerBusy"));
        await Assert.ThrowsAsync<RequestFailedException>(() => function.OnParticipantEventPoisoned(Message(), CancellationToken.None));
        var entry = Assert.Single(log.Entries);
        Assert.Equal((LogLevel.Error, LogEvents.PoisonMessageArchiveFailed), (entry.Level, entry.EventId));
    }

    private sealed class FakeTables(Exception? failure) : TableServiceClient
    {
        public FakeTable Table { get; } = new(failure);

        public override TableClient GetTableClient(string tableName)
        {
            Table.Name = tableName;
            return Table;
        }
    }

    private sealed class FakeTable(Exception? failure) : TableClient
    {
        public new string Name { get; set; } = "";
        public List<TableEntity> Added { get; } = [];

        public override Task<Response> AddEntityAsync<T>(T entity, CancellationToken cancellationToken = default)
        {
            if (failure is not null)
                throw failure;
            Added.Add(Assert.IsType<TableEntity>(entity));
            return Task.FromResult<Response>(null!);
        }
    }

    internal sealed record Entry(LogLevel Level, EventId EventId, string Message, IReadOnlyDictionary<string, object?> Values);

    internal sealed class EventLog : ILogger<PoisonMessages>
    {
        public List<Entry> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add(new Entry(logLevel, eventId, formatter(state, exception),
                state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToDictionary(p => p.Key, p => p.Value) : new Dictionary<string, object?>()));
    }
}
