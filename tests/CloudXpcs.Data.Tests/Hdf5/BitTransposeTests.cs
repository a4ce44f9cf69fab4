using CloudXpcs.Data.Hdf5.Filters;

namespace CloudXpcs.Data.Tests.Hdf5;

/// <summary>The word-wide bit unshuffle gives what the bit-by-bit definition gives.</summary>
public class BitTransposeTests
{
    [Theory]
    [InlineData(1, 8)]
    [InlineData(2, 64)]
    [InlineData(2, 4096)]
    [InlineData(4, 136)]
    public void BitUnshuffleMatchesTheDefinition(int elementBytes, int elements)
    {
        var random = new Random(elementBytes * 1000 + elements);
        var input = new byte[elements * elementBytes];
        random.NextBytes(input);
        input.AsSpan(0, input.Length / 3).Clear(); // zero runs, as in sparse frames
        var output = new byte[input.Length + 3];
        output.AsSpan().Fill(0xEE);
        BitTranspose.BitUnshuffle(input, output, elements, elementBytes);
        Assert.Equal(Definition(input, elements, elementBytes), output[..input.Length]);
        Assert.All(output[input.Length..], b => Assert.Equal(0xEE, b)); // nothing written past the elements
    }

    /// <summary>Bit i of row (b, k) is bit k of byte b of element i.</summary>
    private static byte[] Definition(byte[] input, int elements, int elementBytes)
    {
        var output = new byte[elements * elementBytes];
        for (int b = 0; b < elementBytes; b++)
        for (int k = 0; k < 8; k++)
        for (int i = 0; i < elements; i++)
        {
            int bit = (b * 8 + k) * elements + i;
            if ((input[bit / 8] >> (bit % 8) & 1) != 0) output[i * elementBytes + b] |= (byte)(1 << k);
        }
        return output;
    }
}
