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
        output = output[..(elements * elementBytes)];
        // Byte j of the 8 bit rows of byte b is an 8 x 8 bit matrix (row k: bit k of byte b of elements 8j..8j+7);
        // its transpose holds byte b of those 8 elements, one per byte.
        for (int b = 0; b < elementBytes; b++)
        {
            var rows = input.Slice(b * 8 * rowBytes, 8 * rowBytes);
            for (int j = 0; j < rowBytes; j++)
            {
                ulong bits = rows[j] | (ulong)rows[rowBytes + j] << 8 | (ulong)rows[2 * rowBytes + j] << 16 | (ulong)rows[3 * rowBytes + j] << 24
                    | (ulong)rows[4 * rowBytes + j] << 32 | (ulong)rows[5 * rowBytes + j] << 40 | (ulong)rows[6 * rowBytes + j] << 48 | (ulong)rows[7 * rowBytes + j] << 56;
                ulong bytes = Transpose8x8(bits);
                var target = output.Slice(j * 8 * elementBytes + b, 7 * elementBytes + 1);
                for (int i = 0; i < 8; i++) target[i * elementBytes] = (byte)(bytes >> (8 * i));
            }
        }
    }

    /// <summary>Bit 8r + c of <paramref name="x"/> moved to bit 8c + r (an 8 x 8 bit matrix, one row per byte, transposed).</summary>
    internal static ulong Transpose8x8(ulong x)
    {
        ulong t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAUL;
        x ^= t ^ (t << 7);
        t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCUL;
        x ^= t ^ (t << 14);
        t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0UL;
        return x ^ t ^ (t << 28);
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
