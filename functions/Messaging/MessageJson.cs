using System.Text.Json;
using RpsServerless.Functions.Http;

namespace RpsServerless.Functions.Messaging;

/// <summary>Messages use the API's JSON conventions, so a notification reads the same in the inbox and on the wire.</summary>
public static class MessageJson
{
    public static string Serialize<T>(T message) => JsonSerializer.Serialize(message, ApiJson.Options);

    public static BinaryData ToBinary<T>(T message) => BinaryData.FromBytes(ApiJson.Serialize(message));

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, ApiJson.Options) ?? throw new JsonException("The message is the JSON literal null.");
}
