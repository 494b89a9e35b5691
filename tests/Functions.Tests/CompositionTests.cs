using System.Reflection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Http.Idempotency;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Security;

namespace RpsServerless.Functions.Tests;

public class CompositionTests
{
    private static ServiceProvider Build(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("AzureWebJobsStorage", "UseDevelopmentStorage=true"), .. settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))])
            .Build();
        var services = new ServiceCollection().AddLogging();
        services.AddRpsServerless(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static IEnumerable<MethodInfo> FunctionMethods() =>
        typeof(Composition).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            .Where(method => method.GetCustomAttribute<FunctionAttribute>() is not null);

    [Fact]
    public void EveryFunctionClass_IsCreatedFromTheComposition()
    {
        using var provider = Build();
        using var scope = provider.CreateScope();
        var classes = FunctionMethods().Select(method => method.DeclaringType!).Distinct().ToList();
        Assert.NotEmpty(classes);
        foreach (var type in classes)
            Assert.NotNull(ActivatorUtilities.CreateInstance(scope.ServiceProvider, type));
    }

    [Fact]
    public void FunctionsMetadata_ListsEveryFunctionOfTheAssembly()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        Assert.True(File.Exists(path), "the build writes functions.metadata next to the tests");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var inMetadata = document.RootElement.EnumerateArray().Select(function => function.GetProperty("name").GetString()).Order();
        var inCode = FunctionMethods().Select(method => method.GetCustomAttribute<FunctionAttribute>()!.Name).Order();
        Assert.Equal(inCode, inMetadata);
    }

    [Fact]
    public void FunctionsTakeNoFunctionContext_SoBothHostsCanBindThem()
    {
        Assert.All(FunctionMethods().SelectMany(method => method.GetParameters()),
            parameter => Assert.NotEqual(typeof(FunctionContext), parameter.ParameterType));
    }

    [Fact]
    public void CrossCuttingServices_Resolve()
    {
        using var provider = Build();
        Assert.NotNull(provider.GetRequiredService<ApiEndpoint>());
        Assert.NotNull(provider.GetRequiredService<IIdempotencyStore>());
        Assert.IsType<TokenCallerIdentity>(provider.GetRequiredService<ICallerIdentity>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
        Assert.Contains(provider.GetServices<IHostedService>(), service => service is Storage.StorageProvisioningService);
        Assert.NotNull(provider.GetRequiredService<IQueueMessageSender>());
    }

    [Fact]
    public void WithoutServiceBus_OnlyTheStorageQueueChannel()
    {
        using var provider = Build();
        Assert.IsType<StorageQueueNotificationChannel>(Assert.Single(provider.GetServices<INotificationChannel>()));
    }

    [Theory]
    [InlineData("ServiceBusConnection", "Endpoint=sb://rps.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=ZmFrZQ==")]
    [InlineData("ServiceBusConnection:fullyQualifiedNamespace", "rps.servicebus.windows.net")]
    public async Task WithServiceBusConfigured_BothChannels(string key, string value)
    {
        // The sender is only IAsyncDisposable, as in the hosts, which dispose asynchronously.
        await using var provider = Build((key, value));
        var channels = provider.GetServices<INotificationChannel>().ToList();
        Assert.Equal(2, channels.Count);
        Assert.Contains(channels, channel => channel is ServiceBusNotificationChannel);
    }
}
