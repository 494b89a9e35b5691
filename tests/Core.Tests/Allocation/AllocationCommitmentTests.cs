using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using RpsServerless.Core.Allocation;
using RpsServerless.Core.Protocol;
using static RpsServerless.Core.Tests.Allocation.AllocationTestData;

namespace RpsServerless.Core.Tests.Allocation;

public class AllocationCommitmentTests
{
    private static ProtocolDefinition With(Func<AllocationSettings, AllocationSettings> change) =>
        Natars with { Allocation = change(Natars.Allocation) };

    [Fact]
    public void Commitment_IsLowerCaseHexSha256_AndRepeatable()
    {
        var commitment = AllocationCommitment.Compute(Seed(1), Natars);

        Assert.Matches("^[0-9a-f]{64}$", commitment);
        Assert.Equal(commitment, AllocationCommitment.Compute(Seed(1), Natars));
    }

    [Fact]
    public void Commitment_ChangesWhenTheSeedOrAnySettingChanges()
    {
        var variants = new Dictionary<string, (AllocationSeed Seed, ProtocolDefinition Protocol)>
        {
            ["as published"] = (Seed(1), Natars),
            ["seed"] = (Seed(2), Natars),
            ["version"] = (Seed(1), Natars with { Version = "NATARS-1.1" }),
            ["method"] = (Seed(1), With(a => a with { Method = AllocationMethod.Minimisation })),
            ["ratio"] = (Seed(1), With(a => a with { Ratio = new Dictionary<string, int> { ["surgery_only"] = 1, ["neoadjuvant"] = 2 } })),
            ["strata"] = (Seed(1), With(a => a with { Strata = ["DDLPS", "LMS", "UPS"] })),
            ["strata order"] = (Seed(1), With(a => a with { Strata = ["LMS", "DDLPS", "UPS", "SFT"] })),
            ["block sizes"] = (Seed(1), With(a => a with { BlockSizes = [4, 8] })),
            ["block size order"] = (Seed(1), With(a => a with { BlockSizes = [6, 4] })),
            ["factors"] = (Seed(1), With(a => a with { Minimisation = a.Minimisation with { Factors = [MinimisationFactor.Histology] } })),
            ["p"] = (Seed(1), With(a => a with { Minimisation = a.Minimisation with { PreferredArmProbability = 0.85 } })),
            ["bases"] = (Seed(1), With(a => a with { AssignedBases = ["patient_preference"] })),
        };

        var commitments = variants.ToDictionary(v => v.Key, v => AllocationCommitment.Compute(v.Value.Seed, v.Value.Protocol));

        Assert.Equal(commitments.Count, commitments.Values.Distinct().Count());
    }

    [Fact]
    public void Commitment_CanBeRecomputedFromTheDocumentedByteLayout()
    {
        var seed = AllocationSeed.Parse("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        var bytes = new List<byte>(Encoding.ASCII.GetBytes("RPS-ALLOCATION-COMMITMENT-v1"));
        void U32(int v) { var b = new byte[4]; BinaryPrimitives.WriteInt32BigEndian(b, v); bytes.AddRange(b); }
        void Str(string s) { U32(Encoding.UTF8.GetByteCount(s)); bytes.AddRange(Encoding.UTF8.GetBytes(s)); }

        U32(32); bytes.AddRange(seed.Key);
        Str("NATARS-1.0"); Str("permuted_blocks");
        U32(2); Str("surgery_only"); U32(1); Str("neoadjuvant"); U32(1);
        U32(4); Str("DDLPS"); Str("LMS"); Str("UPS"); Str("SFT");
        U32(2); U32(4); U32(6);
        U32(2); Str("histology"); Str("site");
        bytes.AddRange(Convert.FromHexString("3FE999999999999A"));
        U32(2); Str("patient_preference"); Str("mdt_recommendation");

        var expected = Convert.ToHexStringLower(SHA256.HashData(bytes.ToArray()));
        Assert.Equal(expected, AllocationCommitment.Compute(seed, Natars));
        Assert.Equal("44517cac5e1e292117e73fb62f66c24952dcfa428ada640f8c41e7afda7c501e", expected);
    }
}
