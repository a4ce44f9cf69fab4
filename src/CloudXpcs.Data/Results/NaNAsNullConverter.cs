using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudXpcs.Data.Results;

/// <summary>A double that may be unknown: NaN is written as null, and null reads back as NaN.</summary>
public sealed class NaNAsNullConverter : JsonConverter<double>
{
    public override bool HandleNull => true;

    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsNaN(value)) writer.WriteNullValue();
        else writer.WriteNumberValue(value);
    }
}
