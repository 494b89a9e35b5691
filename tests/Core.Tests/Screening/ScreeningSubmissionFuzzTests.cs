using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using RpsServerless.Core.Screening;

namespace RpsServerless.Core.Tests.Screening;

/// <summary>
/// The parser must turn any input into a submission or field errors, never an exception, and whatever it accepts
/// the evaluator must judge without throwing. Thousands of random and mutated documents, deterministic per seed.
/// </summary>
public class ScreeningSubmissionFuzzTests
{
    private const string JsonAlphabet = "{}[]\":,.-+0123456789eEtrufalsn \n\\u/abcdDLPSFTmoy_";

    // Fragments that have broken parsers before: huge and odd numbers, broken escapes, control characters.
    private static readonly string[] Fragments =
    [
        "1e400", "-0", "9999999999999999999999999999999", "0.0000000000000000000000000001", "\"\\ud800\"", "\"\\udc00x\"",
        "\"\\u0000\"", "null", "[]", "{}", "[[[[[[[[[[", "\"2026-02-29\"", "\"9999-12-31\"", "\"0000-01-01\"", "true",
        "\"DDLPS\"", "\"not_done\"", "\"PKUIH\"", "-1", "120.0000000001", "\"\\\"\"",
    ];

    private static readonly string[] FieldNames =
    [
        "siteId", "screeningNumber", "screenedOn", "patient", "tumor", "history", "mdt", "ageYears", "sex", "asaClass",
        "histology", "fnclccGrade", "fnclccComponents", "differentiation", "mitoses", "necrosis", "maxDiameterCm",
        "mdm2Ihc", "mdm2Fish", "sftMitosesPer10Hpf", "sftNecrosisPercent", "reviewedOn", "organFunction", "name",
    ];

    private static void AssertHandled(SubmissionParseResult result)
    {
        Assert.Equal(result.IsValid, result.Errors.Count == 0);
        if (result.IsValid) ScreeningEvaluator.Evaluate(result.Submission, Screenings.Natars);
        else Assert.All(result.Errors, e => Assert.False(string.IsNullOrEmpty(e.Path) || string.IsNullOrEmpty(e.Message)));
    }

    private static SubmissionParseResult Parse(string json) => ScreeningSubmissionParser.Parse(json, Screenings.Natars);

    [Fact]
    public void AnyString_GivesASubmissionOrErrorsNeverAnException() =>
        Gen.String.Sample(text => AssertHandled(Parse(text)), iter: 2_000, threads: 1);

    [Fact]
    public void AnyStringOfJsonCharacters_GivesASubmissionOrErrorsNeverAnException() =>
        Gen.Char[JsonAlphabet].Array[0, 120].Select(chars => new string(chars))
            .Sample(text => AssertHandled(Parse(text)), iter: 3_000, threads: 1);

    [Fact]
    public void AnyBytes_GiveASubmissionOrErrorsNeverAnException() =>
        Gen.Byte.Array[0, 200].Sample(bytes => AssertHandled(ScreeningSubmissionParser.Parse(bytes, Screenings.Natars)), iter: 2_000, threads: 1);

    [Fact]
    public void ExampleWithRandomTextEdits_GivesASubmissionOrErrorsNeverAnException() =>
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var text = new StringBuilder(Screenings.ApiExampleJson);
            for (var edits = random.Next(1, 6); edits > 0; edits--)
            {
                var at = random.Next(text.Length);
                switch (random.Next(4))
                {
                    case 0: text.Remove(at, Math.Min(random.Next(1, 20), text.Length - at)); break;
                    case 1: text.Insert(at, JsonAlphabet[random.Next(JsonAlphabet.Length)]); break;
                    case 2: text.Insert(at, Fragments[random.Next(Fragments.Length)]); break;
                    default: text[at] = (char)random.Next(0, 0x3000); break;
                }
                if (text.Length == 0) break;
            }
            AssertHandled(Parse(text.ToString()));
        }, iter: 4_000, threads: 1);

    [Fact]
    public void ExampleWithRandomValuesAndProperties_GivesASubmissionOrErrorsNeverAnException() =>
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var body = JsonNode.Parse(Screenings.ApiExampleJson)!.AsObject();
            for (var edits = random.Next(1, 5); edits > 0; edits--)
            {
                var target = RandomObject(body, random);
                var names = target.Select(p => p.Key).ToList();
                switch (random.Next(3))
                {
                    case 0 when names.Count > 0: target[names[random.Next(names.Count)]] = RandomValue(random, 0); break;
                    case 1 when names.Count > 0: target.Remove(names[random.Next(names.Count)]); break;
                    default: target[FieldNames[random.Next(FieldNames.Length)] + (random.Next(3) == 0 ? "x" : "")] = RandomValue(random, 0); break;
                }
            }
            AssertHandled(Parse(body.ToJsonString()));
        }, iter: 4_000, threads: 1);

    [Fact]
    public void ValidSubmissionsWithRandomClinicalValues_AreAlwaysEvaluated()
    {
        // Every combination the parser accepts must evaluate: random values inside the contract ranges.
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var body = JsonNode.Parse(Screenings.ApiExampleJson)!.AsObject();
            var tumor = body["tumor"]!.AsObject();
            var patient = body["patient"]!.AsObject();
            patient["ageYears"] = Maybe(random, () => JsonValue.Create(random.Next(0, 121)));
            patient["asaClass"] = Maybe(random, () => JsonValue.Create(random.Next(1, 7)));
            tumor["histology"] = Maybe(random, () => JsonValue.Create(Pick(random, "DDLPS", "LMS", "UPS", "SFT", "WDLPS", "MLPS", "OTHER")));
            tumor["fnclccGrade"] = Maybe(random, () => JsonValue.Create(random.Next(1, 4)));
            tumor["maxDiameterCm"] = Maybe(random, () => JsonValue.Create(random.Next(1, 2001) / 10m));
            tumor["mdm2Ihc"] = Maybe(random, () => JsonValue.Create(Pick(random, "positive", "negative", "not_done")));
            tumor["cdk4Ihc"] = Maybe(random, () => JsonValue.Create(Pick(random, "positive", "negative", "not_done")));
            tumor["mdm2Fish"] = Maybe(random, () => JsonValue.Create(Pick(random, "amplified", "not_amplified", "not_done")));
            tumor["sftMitosesPer10Hpf"] = Maybe(random, () => JsonValue.Create(random.Next(0, 30)));
            tumor["sftNecrosisPercent"] = Maybe(random, () => JsonValue.Create(random.Next(0, 101)));
            foreach (var section in new[] { "patient", "history", "mdt" })
                foreach (var name in body[section]!.AsObject().Where(p => p.Value?.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False).Select(p => p.Key).ToList())
                    body[section]![name] = Maybe(random, () => JsonValue.Create(random.Next(2) == 0));

            var result = Parse(body.ToJsonString());
            Assert.True(result.IsValid, string.Join("; ", result.Errors));
            var evaluation = ScreeningEvaluator.Evaluate(result.Submission, Screenings.Natars);
            Assert.Equal(23, evaluation.Criteria.Count);
        }, iter: 2_000, threads: 1);
    }

    private static JsonNode? Maybe(Random random, Func<JsonNode> value) => random.Next(5) == 0 ? null : value();

    private static string Pick(Random random, params string[] values) => values[random.Next(values.Length)];

    // Fragments that are complete JSON values become nodes; the others (and broken escapes, which JsonNode itself
    // cannot write back) only serve the text edits.
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

    private static JsonObject RandomObject(JsonObject body, Random random)
    {
        var objects = new List<JsonObject> { body };
        foreach (var (_, value) in body)
            if (value is JsonObject inner) objects.Add(inner);
        return objects[random.Next(objects.Count)];
    }

    private static JsonNode? RandomValue(Random random, int depth) => random.Next(depth > 2 ? 7 : 9) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0),
        2 => JsonValue.Create(random.Next(-1000, 1000)),
        3 => JsonValue.Create(random.NextDouble() * 400 - 100),
        4 => JsonValue.Create(new string((char)random.Next(0x20, 0x3000), random.Next(0, 60))),
        5 => FragmentValue(Fragments[random.Next(Fragments.Length)]),
        6 => JsonValue.Create(decimal.MaxValue),
        7 => new JsonArray(Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(random, depth + 1)).ToArray()),
        _ => new JsonObject(Enumerable.Range(0, random.Next(4)).Select(i =>
            KeyValuePair.Create(FieldNames[random.Next(FieldNames.Length)] + i, RandomValue(random, depth + 1)))),
    };
}
