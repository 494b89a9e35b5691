using System.Reflection;
using Microsoft.Extensions.Logging;
using RpsServerless.Functions.Diagnostics;

namespace RpsServerless.Functions.Tests.Operations;

public class LogEventsTests
{
    private static readonly IReadOnlyList<(string Field, EventId Id)> All = typeof(LogEvents)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.FieldType == typeof(EventId))
        .Select(field => (field.Name, (EventId)field.GetValue(null)!))
        .ToList();

    [Fact]
    public void EveryEventId_IsUnique()
    {
        var duplicates = All.GroupBy(e => e.Id.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Field))}").ToList();
        Assert.True(duplicates.Count == 0, "duplicate event ids: " + string.Join("; ", duplicates));
    }

    [Fact]
    public void EveryEvent_IsNamedAfterItsField_SoQueriesCanUseTheNameToo()
    {
        Assert.All(All, e => Assert.Equal(e.Field, e.Id.Name));
        Assert.Equal(All.Count, All.Select(e => e.Id.Name).Distinct().Count());
    }

    [Fact]
    public void EveryEventId_FallsInTheRangeOfItsArea()
    {
        Assert.All(All, e => Assert.InRange(e.Id.Id, 1000, 9999));
    }

    [Theory]
    [InlineData(nameof(LogEvents.AllocationCommitted))]
    [InlineData(nameof(LogEvents.AllocationContended))]
    [InlineData(nameof(LogEvents.ReminderReleased))]
    [InlineData(nameof(LogEvents.NotificationDelivered))]
    [InlineData(nameof(LogEvents.NotificationSendFailed))]
    [InlineData(nameof(LogEvents.PoisonMessage))]
    [InlineData(nameof(LogEvents.QueueMessagePoisoned))]
    [InlineData(nameof(LogEvents.AuthenticationFailed))]
    [InlineData(nameof(LogEvents.AccessDenied))]
    [InlineData(nameof(LogEvents.SaeReportEscalated))]
    [InlineData(nameof(LogEvents.AuditAppendContended))]
    [InlineData(nameof(LogEvents.HealthDegraded))]
    public void TheEventsOperationsAlertOn_AreDocumented(string name)
    {
        var operations = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "operations.md"));
        var id = All.Single(e => e.Field == name).Id.Id;
        Assert.Contains($"| {id} | `{name}` |", operations, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryEvent_IsDocumented()
    {
        var operations = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "operations.md"));
        var missing = All.Where(e => !operations.Contains($"| {e.Id.Id} | `{e.Field}` |", StringComparison.Ordinal)).Select(e => e.Field).ToList();
        Assert.True(missing.Count == 0, "not in docs/operations.md: " + string.Join(", ", missing));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "RpsServerless.sln")))
                return directory.FullName;
        throw new InvalidOperationException("RpsServerless.sln not found above the test folder.");
    }
}
