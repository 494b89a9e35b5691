using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RpsServerless.Functions.Audit;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Http.Idempotency;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Queues;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Storage.Allocations;
using RpsServerless.Functions.Storage.Participants;
using RpsServerless.Functions.Storage.Screenings;
using RpsServerless.Functions.Workflows;

namespace RpsServerless.Functions.Tests.Allocation;

/// <summary>Throws once after the chosen step, as a crash there would stop the request.</summary>
internal sealed class CrashAfter(AllocationStep step) : AllocationFaults
{
    public int Crashes { get; private set; }

    public override void After(AllocationStep reached, string screeningId)
    {
        if (reached == step && Crashes == 0)
        {
            Crashes++;
            throw new InvalidOperationException($"Injected crash after {step}.");
        }
    }
}

/// <summary>The composition with every store in memory: the function classes as the hosts build them.</summary>
internal sealed class AllocationHarness : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _provider;

    public AllocationHarness(AllocationFaults? faults = null, string? seed = AllocationSeedSource.DevelopmentSeedHex)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Auth:Audience"] = TestTokens.Audience,
        };
        if (seed is not null)
            settings[AllocationSeedSource.SettingName] = seed;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddRpsServerless(configuration);
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<IIdempotencyStore>(Idempotency);
        services.AddSingleton<IScreeningStore>(Screenings);
        services.AddSingleton<IAllocationStore>(Allocations);
        services.AddSingleton<IParticipantDirectory>(Participants);
        services.AddSingleton<IQueueMessageSender>(Queues);
        services.AddSingleton<IAuditTrail>(Audit);
        // The app's own access control (ApiAccess) over the test token authority: every request carries a token.
        services.Replace(ServiceDescriptor.Singleton<ISigningKeySource>(new FixedSigningKeys(TestTokens.Issuer, TestTokens.PublicKey)));
        if (faults is not null)
            services.AddSingleton(faults);
        _provider = services.BuildServiceProvider();
    }

    public FakeTimeProvider Time { get; } = new(Now);
    public InMemoryIdempotencyStore Idempotency { get; } = new();
    public InMemoryScreeningStore Screenings { get; } = new();
    public InMemoryAllocationStore Allocations { get; } = new();
    public InMemoryParticipants Participants => Allocations.Participants;
    public RecordingQueueSender Queues { get; } = new();
    public InMemoryAuditTrail Audit { get; } = new();

    /// <summary>The sites the harness's caller (a coordinator) works at: every site these tests submit at.</summary>
    public static readonly string[] CallerSites = ["PKUIH", "BFH", "FUSCC"];

    /// <summary>A coordinator's token valid now on the harness clock (tokens are judged against the app's TimeProvider).</summary>
    public string Token() => TestTokens.Create(roles: [Role.Coordinator.ClaimValue()], sites: CallerSites,
        notBefore: Time.GetUtcNow().AddMinutes(-1), expires: Time.GetUtcNow().AddHours(1));

    private HttpRequest Authorized(HttpRequest request)
    {
        request.Headers.Authorization = TestTokens.Header(Token());
        return request;
    }

    public T Get<T>() where T : notnull => ActivatorUtilities.CreateInstance<T>(_provider);

    public Http.Screenings ScreeningFunctions => Get<Http.Screenings>();
    public Http.Allocations AllocationFunctions => Get<Http.Allocations>();
    public Http.Participants ParticipantFunctions => Get<Http.Participants>();
    public CompletePendingAllocations Sweep => _provider.GetRequiredService<CompletePendingAllocations>();

    public static string Submission(Action<JsonNode>? change = null)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "screening-submission.json")))!;
        change?.Invoke(node);
        return node.ToJsonString();
    }

    public async Task<TestHttp.Written> SubmitAsync(string json, string? idempotencyKey = null)
    {
        var request = Authorized(TestHttp.Post("/api/screenings", json, idempotencyKey: idempotencyKey));
        return await TestHttp.ExecuteAsync(await ScreeningFunctions.SubmitScreening(request, CancellationToken.None), request);
    }

    public async Task<string> SubmitEligibleAsync(Action<JsonNode>? change = null)
    {
        var written = await SubmitAsync(Submission(change));
        Assert.Equal(201, written.Status);
        Assert.Equal("eligible", written.Json.GetProperty("outcome").GetString());
        return written.Json.GetProperty("screeningId").GetString()!;
    }

    public async Task<TestHttp.Written> AllocateAsync(string screeningId, string? body = null, string? idempotencyKey = null)
    {
        var request = Authorized(TestHttp.Post($"/api/screenings/{Uri.EscapeDataString(screeningId)}/allocation", body, idempotencyKey: idempotencyKey));
        return await TestHttp.ExecuteAsync(await AllocationFunctions.AllocateScreening(request, screeningId, CancellationToken.None), request);
    }

    /// <summary>
    /// Allocates through a second instance of the workflow over the same stores: another Function App instance. Within
    /// one instance allocations take turns; between instances only the state row's ETag decides.
    /// </summary>
    public async Task<TestHttp.Written> AllocateFromAnotherInstanceAsync(string screeningId)
    {
        var functions = new Http.Allocations(_provider.GetRequiredService<ApiEndpoint>(), Get<AllocateScreening>());
        var request = Authorized(TestHttp.Post($"/api/screenings/{Uri.EscapeDataString(screeningId)}/allocation", null));
        return await TestHttp.ExecuteAsync(await functions.AllocateScreening(request, screeningId, CancellationToken.None), request);
    }

    public async Task<TestHttp.Written> GetAsync(Func<HttpRequest, Task<IResult>> call, string path, string? query = null)
    {
        var request = Authorized(TestHttp.Get(path));
        if (query is not null)
            request.QueryString = new QueryString(query);
        return await TestHttp.ExecuteAsync(await call(request), request);
    }

    private int _eventsHandled;

    /// <summary>The schedules the <c>participant-events</c> handler builds here (its schedule half works in memory).</summary>
    public InMemoryScheduleStore Schedules { get; } = new();

    /// <summary>
    /// Hands every <c>participant-events</c> message sent since the last call to the queue function, in order, as the
    /// queue would: a message whose handler throws stays queued (the exception propagates) and comes again next call.
    /// </summary>
    public async Task HandleParticipantEventsAsync()
    {
        var files = new ParticipantFiles(Participants, new InMemoryParticipantHistory(Schedules, new InMemoryParticipantStatusStore()));
        var rebuild = new RebuildSchedule(files, Schedules, new InMemoryReminderStore(), new InMemorySiteVisitIndex(), Time,
            NullLogger<RebuildSchedule>.Instance);
        var handler = new ParticipantEvents(rebuild, _provider.GetRequiredService<AllocationFollowUp>(), NullLogger<ParticipantEvents>.Instance);
        var events = Queues.On(QueueNames.ParticipantEvents);
        for (; _eventsHandled < events.Count; _eventsHandled++)
            await handler.OnParticipantEvent(events[_eventsHandled], CancellationToken.None);
    }

    public void Dispose() => _provider.Dispose();
}
