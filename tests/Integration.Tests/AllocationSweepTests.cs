using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RpsServerless.Functions;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Storage.Allocations;
using RpsServerless.Functions.Storage.Participants;
using RpsServerless.Functions.Storage.Screenings;
using RpsServerless.Functions.Workflows;

namespace RpsServerless.Integration.Tests;

/// <summary>The crash-and-sweep path over the real table stores (pending-marker range query, merge of the screening link).</summary>
[Collection(StorageCollection.Name)]
public class AllocationSweepTests(StorageFixture storage)
{
    private sealed class CrashOnceAfter(AllocationStep step) : AllocationFaults
    {
        private int _crashes;

        public override void After(AllocationStep reached, string screeningId)
        {
            if (reached == step && Interlocked.Increment(ref _crashes) == 1)
                throw new InvalidOperationException($"Injected crash after {step}.");
        }
    }

    [Fact]
    public async Task ACrashAfterTheParticipantRow_IsCompletedByTheSweep_OverRealStorage()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([
            new(StorageConnection.SettingName, storage.ConnectionString),
            new(AllocationSeedSource.SettingName, AllocationSeedSource.DevelopmentSeedHex)]).Build();
        var services = new ServiceCollection().AddLogging().AddRpsServerless(configuration);
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<AllocationFaults>(new CrashOnceAfter(AllocationStep.ScreeningLinked));
        await using var provider = services.BuildServiceProvider();

        // The workflows as ApiEndpoint runs them: a PKUFH coordinator admitted under each route's rule.
        var coordinator = new Caller("it", new HashSet<Role> { Role.Coordinator }, new HashSet<string> { "PKUFH" });
        CallerContext As(string method, string path) =>
            new(coordinator, RouteAccess.Match(method, path)!.Value.Rule, new DefaultHttpContext { TraceIdentifier = "it-request" },
                new Dictionary<string, string>());

        var submitted = await provider.GetRequiredService<SubmitScreening>()
            .RunAsync(As("POST", "/api/screenings"), System.Text.Encoding.UTF8.GetBytes(AllocationApi.Submission("PKUFH")), CancellationToken.None);
        var screening = Assert.IsType<ScreeningSubmissionResult.Stored>(submitted).Screening;
        var allocated = Assert.IsType<AllocationResult.Allocated>(await provider.GetRequiredService<AllocateScreening>()
            .RunAsync(As("POST", $"/api/screenings/{screening.ScreeningId}/allocation"), screening.ScreeningId, null, CancellationToken.None));
        Assert.True(allocated.IsNew);

        var allocations = provider.GetRequiredService<IAllocationStore>();
        var sweep = provider.GetRequiredService<CompletePendingAllocations>();
        Assert.True(await allocations.IsPendingAsync(screening.ScreeningId, CancellationToken.None));
        // The marker carries the allocation, as the participant-events handler reads it to finish it.
        var pending = await allocations.FindPendingAsync(screening.ScreeningId, CancellationToken.None);
        Assert.NotNull(pending);
        Assert.Equal(allocated.Allocation.ParticipantId, pending.ParticipantId);
        Assert.Equal(allocated.Allocation.ActorRole, pending.ActorRole);
        Assert.Equal(allocated.Allocation.Allocation, pending.Allocation);
        Assert.Equal(allocated.Allocation.Record.Actor, pending.Record.Actor);
        Assert.Contains(screening.ScreeningId, await allocations.ListPendingAsync(time.GetUtcNow().AddMinutes(2), CancellationToken.None));
        Assert.DoesNotContain(screening.ScreeningId, await allocations.ListPendingAsync(time.GetUtcNow() - CompletePendingAllocations.Grace, CancellationToken.None));

        time.Advance(CompletePendingAllocations.Grace + TimeSpan.FromSeconds(1));
        Assert.True(await sweep.RunAsync(CancellationToken.None) >= 1);

        Assert.False(await allocations.IsPendingAsync(screening.ScreeningId, CancellationToken.None));
        Assert.Null(await allocations.FindPendingAsync(screening.ScreeningId, CancellationToken.None));
        var participant = await provider.GetRequiredService<IParticipantDirectory>().FindAsync(allocated.Allocation.ParticipantId, CancellationToken.None);
        Assert.NotNull(participant);
        Assert.Equal(allocated.Allocation.Allocation.AllocationNumber, participant.AllocationNumber);
        var linked = await provider.GetRequiredService<IScreeningStore>().FindAsync(screening.ScreeningId, CancellationToken.None);
        Assert.Equal(allocated.Allocation.ParticipantId, linked!.ParticipantId);
        Assert.Single(await new AllocationApi(storage).ParticipantsOfAsync(screening.ScreeningId));
    }
}
