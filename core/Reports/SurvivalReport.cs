using System.Text.Json.Serialization;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Statistics;

namespace RpsServerless.Core.Reports;

/// <summary>
/// <c>GET /api/reports/survival?endpoint=pfs|os</c>: the Kaplan–Meier curve of each arm with its median and the
/// protocol's landmarks (§6: 365 and 1096 days, 95 % CI), and the log-rank test between arms. Each arm has exactly the
/// shape <c>rps survival</c> prints (tools.md), computed by the same <see cref="SurvivalAnalysis"/>.
/// </summary>
/// <param name="ArmLabels">The protocol's label of each arm id, for the legend.</param>
/// <param name="Arms">Every arm of the protocol, in alphabetical order of id as in tools.md, including an arm with no
/// participant yet (n = 0, an empty table, null estimates).</param>
/// <param name="LogRank">Null when fewer than two arms have expected events (a single arm, or nothing but censoring).</param>
public sealed record SurvivalReport(
    SurvivalEndpoint Endpoint,
    string ProtocolVersion,
    [property: JsonConverter(typeof(UtcInstantJsonConverter))] DateTimeOffset DataCutAt,
    IReadOnlyList<int> LandmarkDays,
    IReadOnlyDictionary<string, string> ArmLabels,
    IReadOnlyList<SurvivalArmSummary> Arms,
    LogRankSummary? LogRank)
{
    /// <summary>The report of <paramref name="endpoint"/> over the times derived at the data cut.</summary>
    /// <exception cref="ArgumentException">A time names an arm the protocol does not have, or a participant twice.</exception>
    public static SurvivalReport Build(ProtocolDefinition protocol, SurvivalEndpoint endpoint,
        IEnumerable<TimeToEvent> times, DateTimeOffset dataCutAt)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(times);

        var sample = new SurvivalSample();
        // Every arm is a group before any time is added, so an arm without participants still has its (empty) curve.
        foreach (var arm in protocol.Arms) sample.Group(arm.Id);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var time in times)
        {
            if (protocol.FindArm(time.Arm) is null)
                throw new ArgumentException($"Participant {time.ParticipantId} has arm '{time.Arm}', which protocol {protocol.Version} does not define.", nameof(times));
            if (!seen.Add(time.ParticipantId))
                throw new ArgumentException($"Participant {time.ParticipantId} has more than one {endpoint} time.", nameof(times));
            sample.Add(time.Arm, time.Days, time.IsEvent);
        }

        var landmarks = protocol.Endpoints.LandmarkDays;
        var summary = SurvivalSummary.Of(ContractName.Of(endpoint).ToUpperInvariant(), SurvivalAnalysis.Analyse(sample),
            landmarks.Select(d => (double)d).ToArray());
        return new SurvivalReport(endpoint, protocol.Version, dataCutAt.ToUniversalTime(), landmarks,
            protocol.Arms.ToDictionary(a => a.Id, a => a.Label, StringComparer.Ordinal),
            summary.Arms, summary.LogRank);
    }

    /// <summary>The endpoint's name as a heading reads.</summary>
    [JsonIgnore]
    public string EndpointName => Endpoint switch
    {
        SurvivalEndpoint.Pfs => "Progression-free survival",
        SurvivalEndpoint.Os => "Overall survival",
        _ => Endpoint.ToString(),
    };
}
