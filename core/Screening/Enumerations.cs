using System.Text.Json.Serialization;

namespace RpsServerless.Core.Screening;

// The enumerations of the screening submission (api.md). Their JSON names are the contract's words.

[JsonConverter(typeof(JsonStringEnumConverter<Sex>))]
public enum Sex
{
    [JsonStringEnumMemberName("female")] Female,
    [JsonStringEnumMemberName("male")] Male,
}

[JsonConverter(typeof(JsonStringEnumConverter<Histology>))]
public enum Histology
{
    [JsonStringEnumMemberName("DDLPS")] Ddlps,
    [JsonStringEnumMemberName("LMS")] Lms,
    [JsonStringEnumMemberName("UPS")] Ups,
    [JsonStringEnumMemberName("SFT")] Sft,
    [JsonStringEnumMemberName("WDLPS")] Wdlps,
    [JsonStringEnumMemberName("MLPS")] Mlps,
    [JsonStringEnumMemberName("OTHER")] Other,
}

[JsonConverter(typeof(JsonStringEnumConverter<OriginSite>))]
public enum OriginSite
{
    [JsonStringEnumMemberName("retroperitoneum")] Retroperitoneum,
    [JsonStringEnumMemberName("gi_tract")] GiTract,
    [JsonStringEnumMemberName("uterus")] Uterus,
    [JsonStringEnumMemberName("urinary_tract")] UrinaryTract,
    [JsonStringEnumMemberName("other")] Other,
}

[JsonConverter(typeof(JsonStringEnumConverter<Metastasis>))]
public enum Metastasis
{
    [JsonStringEnumMemberName("none")] None,
    [JsonStringEnumMemberName("suspected")] Suspected,
    [JsonStringEnumMemberName("confirmed")] Confirmed,
}

[JsonConverter(typeof(JsonStringEnumConverter<IhcResult>))]
public enum IhcResult
{
    [JsonStringEnumMemberName("positive")] Positive,
    [JsonStringEnumMemberName("negative")] Negative,
    [JsonStringEnumMemberName("not_done")] NotDone,
}

[JsonConverter(typeof(JsonStringEnumConverter<FishResult>))]
public enum FishResult
{
    [JsonStringEnumMemberName("amplified")] Amplified,
    [JsonStringEnumMemberName("not_amplified")] NotAmplified,
    [JsonStringEnumMemberName("not_done")] NotDone,
}

[JsonConverter(typeof(JsonStringEnumConverter<OrganFunction>))]
public enum OrganFunction
{
    [JsonStringEnumMemberName("normal")] Normal,
    [JsonStringEnumMemberName("mild_recoverable")] MildRecoverable,
    [JsonStringEnumMemberName("persistent_dysfunction")] PersistentDysfunction,
    [JsonStringEnumMemberName("failure")] Failure,
}
