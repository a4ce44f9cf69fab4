namespace CloudXpcs.Data.Hdf5.Filters;

/// <summary>
/// The inverse transforms of the byte shuffle and the bit shuffle that HDF5 compression filters apply before
/// compressing, so that equal bytes (or bits) of neighbouring elements sit together.
/// </summary>
internal static class BitTranspose
{
    /// <summary>
    /// Undoes a bit shuffle of <paramref name="elements"/> elements of <paramref name="elementBytes"/> bytes
    /// (elements a multiple of 8): the input holds, for each byte b of an element and each bit k of that byte, a
    /// row of <paramref name="elements"/> bits (least significant first) whose bit i is bit k of byte b of element i.
    /// </summary>
    public static void BitUnshuffle(ReadOnlySpan<byte> input, Span<byte> output, int elements, int elementBytes)
    {
        int rowBytes = elements / 8;
        output[..(elements * elementBytes)].Clear();
        for (int b = 0; b < elementBytes; b++)
        for (int k = 0; k < 8; k++)
        {
            var row = input.Slice((b * 8 + k) * rowBytes, rowBytes);
            for (int j = 0; j < rowBytes; j++)
            {
                int bits = row[j];
                if (bits == 0) continue;
                int baseElement = j * 8;
                for (int i = 0; i < 8; i++)
                    if ((bits >> i & 1) != 0) output[(baseElement + i) * elementBytes + b] |= (byte)(1 << k);
            }
        }
    }

    /// <summary>Undoes a byte shuffle of whole elements; bytes beyond the last whole element are copied.</summary>
    public static void ByteUnshuffle(ReadOnlySpan<byte> input, Span<byte> output, int elementBytes)
    {
        int elements = input.Length / elementBytes;
        for (int b = 0; b < elementBytes; b++)
        {
            var plane = input.Slice(b * elements, elements);
            for (int i = 0; i < elements; i++) output[i * elementBytes + b] = plane[i];
        }
        int whole = elements * elementBytes;
        input[whole..].CopyTo(output[whole..]);
    }
}
