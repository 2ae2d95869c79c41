using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.ML.Autoencoders.Persistence;

/// <summary>
/// The JSON of the pipeline file's manifest and autoencoder settings: compact on writing, strict on reading (unknown,
/// missing or repeated properties are damage, not defaults), with NaN and infinities as named literals.
/// </summary>
internal static class PipelineJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        AllowDuplicateProperties = false,
    };

    /// <summary>The UTF-8 JSON of <paramref name="value"/>.</summary>
    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <summary>The <typeparamref name="T"/> in <paramref name="json"/>, the pipeline file's entry <paramref name="entry"/>.</summary>
    /// <exception cref="InvalidDataException">The entry is not JSON of a <typeparamref name="T"/>.</exception>
    public static T Deserialize<T>(byte[] json, string entry)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options)
                ?? throw new InvalidDataException($"The pipeline file's entry \"{entry}\" is damaged: it holds null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The pipeline file's entry \"{entry}\" is damaged: {e.Message}", e);
        }
    }
}
