using System.Net.Http;
using System.Net.Sockets;
using Azure;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using RpsServerless.Functions.Storage;

namespace RpsServerless.Functions.Tests;

public class StorageTests
{
    public static TheoryData<Exception, bool> Failures => new()
    {
        { new RequestFailedException(0, "no response"), true },
        { new RequestFailedException(500, "internal"), true },
        { new RequestFailedException(503, "busy"), true },
        { new RequestFailedException(408, "timeout"), true },
        { new RequestFailedException(404, "not found"), false },
        { new RequestFailedException(409, "conflict"), false },
        { new RequestFailedException(412, "etag"), false },
        { new HttpRequestException("refused", new SocketException(111)), true },
        { new SocketException(111), true },
        { new TimeoutException(), true },
        { new TaskCanceledException("network timeout", new TimeoutException()), true },
        { new OperationCanceledException(), false },
        { new ServiceBusException("busy", ServiceBusFailureReason.ServiceBusy), true },
        { new ServiceBusException("gone", ServiceBusFailureReason.MessagingEntityNotFound), false },
        { new InvalidOperationException("bug"), false },
        { new AggregateException(new RequestFailedException(0, "a"), new InvalidOperationException("bug")), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void IsUnavailable_TellsOutagesFromOtherFailures(Exception exception, bool unavailable) =>
        Assert.Equal(unavailable, StorageFailures.IsUnavailable(exception));

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void ConnectionString_IsUsedWhenSet()
    {
        var connection = StorageConnection.FromConfiguration(Settings(("AzureWebJobsStorage", "UseDevelopmentStorage=true")));
        Assert.Equal("UseDevelopmentStorage=true", connection.ConnectionString);
        Assert.Equal("devstoreaccount1", connection.CreateTableServiceClient().AccountName);
    }

    [Fact]
    public void IdentityBasedSettings_GiveServiceUris()
    {
        var connection = StorageConnection.FromConfiguration(Settings(
            ("AzureWebJobsStorage:tableServiceUri", "https://acct.table.core.windows.net"),
            ("AzureWebJobsStorage:queueServiceUri", "https://acct.queue.core.windows.net"),
            ("AzureWebJobsStorage:clientId", "00000000-0000-0000-0000-000000000001")));
        Assert.Null(connection.ConnectionString);
        Assert.Equal("acct", connection.CreateQueueServiceClient().AccountName);
        Assert.Equal("00000000-0000-0000-0000-000000000001", connection.ClientId);
    }

    [Fact]
    public void NoStorageSetting_FailsWithAMessageNamingTheSettings()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => StorageConnection.FromConfiguration(Settings()));
        Assert.Contains("AzureWebJobsStorage", exception.Message);
    }

    [Theory]
    [InlineData("a/b\\c#d?e%f", "a%2Fb%5Cc%23d%3Fe%25f")]
    [InlineData("plain-key_1", "plain-key_1")]
    public void TableKeys_EscapeForbiddenCharacters(string raw, string escaped) => Assert.Equal(escaped, TableKeys.Escape(raw));

    [Fact]
    public void EveryTableAndQueueName_IsValidForStorage()
    {
        Assert.All(TableNames.All, name => Assert.Matches("^[A-Za-z][A-Za-z0-9]{2,62}$", name));
        Assert.All(QueueNames.All, name => Assert.Matches("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", name));
    }
}
