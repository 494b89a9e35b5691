using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using RpsServerless.Core.Outcomes;
using static RpsServerless.Core.Tests.Outcomes.Outcomes;

namespace RpsServerless.Core.Tests.Outcomes;

/// <summary>
/// Every outcome parser turns any input into a record or field errors, never an exception; and whatever it accepts
/// the downstream rules (E02, the SAE clock, the AE history, the status checks, the endpoints) take without throwing.
/// Random and mutated documents, deterministic per seed.
/// </summary>
public class OutcomeBodyParserFuzzTests
{
    private const string JsonAlphabet = "{}[]\":,.-+0123456789eEtrufalsnZT \n\\u/abcdimoprsv_";

    private static readonly string[] Examples =
    [
        OutcomeBodyParserTests.AssessmentJson, OutcomeBodyParserTests.SurgeryJson, OutcomeBodyParserTests.PathologyJson,
        OutcomeBodyParserTests.AdverseEventJson, OutcomeBodyParserTests.StatusJson,
    ];

    private static readonly string[] Fragments =
    [
        "1e400", "-0", "9999999999999999999999999999999", "\"\\ud800\"", "\"\\u0000\"", "null", "[]", "{}", "[[[[[[[[[[[[[[[[[[[[",
        "\"2027-02-29\"", "\"9999-12-31\"", "\"0001-01-01\"", "\"9999-12-31T23:59:59Z\"", "\"0001-01-01T00:00:00Z\"", "true", "5", "0",
        "\"death\"", "\"fatal\"", "\"r2\"", "\"died\"", "\"correction\"", "[\"death\",\"death\"]", "\"2027-02-10T03:15:00.1234567Z\"",
    ];

    private static readonly string[] FieldNames =
    [
        .. OutcomeBodyParser.AssessmentFields, .. OutcomeBodyParser.SurgeryFields, .. OutcomeBodyParser.PathologyFields,
        .. OutcomeBodyParser.AdverseEventFields, .. OutcomeBodyParser.RelatednessFields, .. OutcomeBodyParser.StatusFields, "name",
    ];

    /// <summary>Runs every parser on the text and everything downstream on what parses.</summary>
    private static void AssertHandled(string text)
    {
        Check(OutcomeBodyParser.Assessment(text), a => EndpointDerivation.Derive(Participant(assessments: [a])));
        Check(OutcomeBodyParser.Surgery(text), s => EndpointDerivation.Derive(Participant(surgery: s)));
        Check(OutcomeBodyParser.Pathology(text, Natars), p => FinalPathologyJudgement.Judge(p, Natars));
        Check(OutcomeBodyParser.AdverseEvent(text), r =>
        {
            var history = AdverseEventHistory.Start("ae_1", "p", r.Facts, At(0));
            _ = SaeClock.Of(history, Natars)?.StateAt(At(10));
            _ = history.Append(r with { AdverseEventId = "ae_1", Change = AdverseEventChange.FollowUp }, At(1));
        });
        Check(OutcomeBodyParser.Status(text), s =>
        {
            var check = ParticipantStatusHistory.Check(s, new ParticipantState(Allocated, Day(1000), Records(new AliveOn(Day(10)))));
            Assert.All(check.Errors.Concat(check.Conflicts), e => Assert.False(string.IsNullOrEmpty(e.Path)));
            _ = EndpointDerivation.Derive(Participant() with { StatusRecords = [new ParticipantStatusRecord(1, s.Event, At(0))] });
        });
    }

    private static void AssertHandled(byte[] bytes)
    {
        Check(OutcomeBodyParser.Assessment(bytes), _ => { });
        Check(OutcomeBodyParser.Pathology(bytes, Natars), p => FinalPathologyJudgement.Judge(p, Natars));
        Check(OutcomeBodyParser.AdverseEvent(bytes), _ => { });
        Check(OutcomeBodyParser.Status(bytes), _ => { });
    }

    private static void Check<T>(OutcomeParseResult<T> result, Action<T> downstream) where T : class
    {
        Assert.Equal(result.IsValid, result.Errors.Count == 0);
        if (result.IsValid) downstream(result.Value);
        else Assert.All(result.Errors, e => Assert.False(string.IsNullOrEmpty(e.Path) || string.IsNullOrEmpty(e.Message)));
    }

    [Fact]
    public void AnyString_GivesARecordOrErrorsNeverAnException() =>
        Gen.String.Sample(AssertHandled, iter: 1_000, threads: 1);

    [Fact]
    public void AnyStringOfJsonCharacters_GivesARecordOrErrorsNeverAnException() =>
        Gen.Char[JsonAlphabet].Array[0, 120].Select(chars => new string(chars)).Sample(AssertHandled, iter: 2_000, threads: 1);

    [Fact]
    public void AnyBytes_GiveARecordOrErrorsNeverAnException() =>
        Gen.Byte.Array[0, 200].Sample(AssertHandled, iter: 1_000, threads: 1);

    [Fact]
    public void ExamplesWithRandomTextEdits_GiveARecordOrErrorsNeverAnException() =>
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var text = new StringBuilder(Examples[random.Next(Examples.Length)]);
            for (var edits = random.Next(1, 6); edits > 0 && text.Length > 0; edits--)
            {
                var at = random.Next(text.Length);
                switch (random.Next(4))
                {
                    case 0: text.Remove(at, Math.Min(random.Next(1, 20), text.Length - at)); break;
                    case 1: text.Insert(at, JsonAlphabet[random.Next(JsonAlphabet.Length)]); break;
                    case 2: text.Insert(at, Fragments[random.Next(Fragments.Length)]); break;
                    default: text[at] = (char)random.Next(0, 0x3000); break;
                }
            }
            AssertHandled(text.ToString());
        }, iter: 3_000, threads: 1);

    [Fact]
    public void ExamplesWithRandomValuesAndProperties_GiveARecordOrErrorsNeverAnException() =>
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var body = JsonNode.Parse(Examples[random.Next(Examples.Length)])!.AsObject();
            for (var edits = random.Next(1, 5); edits > 0; edits--)
            {
                var target = random.Next(4) == 0 && body["relatedness"] is JsonObject inner ? inner : body;
                var names = target.Select(p => p.Key).ToList();
                switch (random.Next(3))
                {
                    case 0 when names.Count > 0: target[names[random.Next(names.Count)]] = RandomValue(random, 0); break;
                    case 1 when names.Count > 0: target.Remove(names[random.Next(names.Count)]); break;
                    default: target[FieldNames[random.Next(FieldNames.Length)] + (random.Next(4) == 0 ? "x" : "")] = RandomValue(random, 0); break;
                }
            }
            AssertHandled(body.ToJsonString());
        }, iter: 4_000, threads: 1);

    private static JsonNode? FragmentValue(string fragment)
    {
        if (fragment.Contains("\\u", StringComparison.Ordinal)) return null;
        try
        {
            return JsonNode.Parse(fragment);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static JsonNode? RandomValue(Random random, int depth) => random.Next(depth > 2 ? 7 : 9) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0),
        2 => JsonValue.Create(random.Next(-10, 10)),
        3 => JsonValue.Create(random.NextDouble() * 10 - 2),
        4 => JsonValue.Create(new string((char)random.Next(0x20, 0x3000), random.Next(0, 120))),
        5 => FragmentValue(Fragments[random.Next(Fragments.Length)]),
        6 => JsonValue.Create(decimal.MaxValue),
        7 => new JsonArray(Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(random, depth + 1)).ToArray()),
        _ => new JsonObject(Enumerable.Range(0, random.Next(4)).Select(i =>
            KeyValuePair.Create(FieldNames[random.Next(FieldNames.Length)] + i, RandomValue(random, depth + 1)))),
    };

    [Fact]
    public void ValidAdverseEventsWithRandomValues_AreAcceptedExactlyWhenConsistent()
    {
        // The within-body rules, restated independently: any body that breaks none of them parses.
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var grade = random.Next(1, 6);
            var serious = grade == 5 || random.Next(2) == 0;
            var criteria = serious
                ? Enum.GetNames<SeriousnessCriterion>().Where(_ => random.Next(3) == 0).ToList()
                : [];
            criteria.Remove("Death");
            if (grade == 5) criteria.Add("Death");
            if (serious && criteria.Count == 0) criteria.Add("OtherImportantEvent");
            var names = criteria.Select(c => RpsServerless.Core.Protocol.ContractName.Of(Enum.Parse<SeriousnessCriterion>(c))).ToArray();
            string[] outcomes = grade == 5 ? ["fatal"] : ["recovered", "recovered_with_sequelae", "unknown"];
            var body = new JsonObject
            {
                ["term"] = "Term " + random.Next(100), ["grade"] = grade, ["onsetDate"] = "2027-02-10",
                ["resolutionDate"] = random.Next(2) == 0 ? "2027-02-" + random.Next(10, 29) : null,
                ["serious"] = serious, ["seriousnessCriteria"] = new JsonArray(names.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
                ["relatedness"] = new JsonObject { ["anlotinib"] = "possible" },
                ["outcome"] = outcomes[random.Next(outcomes.Length)],
                ["awareAt"] = $"2027-02-{random.Next(10, 20)}T{random.Next(0, 24):00}:00:00Z",
            };
            var result = OutcomeBodyParser.AdverseEvent(body.ToJsonString());
            Assert.True(result.IsValid, string.Join("; ", result.Errors));
            Assert.Equal(grade == 5, result.Value.Facts.SeriousnessCriteria.Contains(SeriousnessCriterion.Death));
        }, iter: 2_000, threads: 1);
    }
}
