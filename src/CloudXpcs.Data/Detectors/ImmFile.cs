using System.Buffers.Binary;

namespace CloudXpcs.Data.Detectors;

/// <summary>
/// Legacy IMM files of APS 8-ID-I, as the beamline's correlator (boost_corr) reads them: every frame is a 1024-byte
/// little-endian header followed by its payload. Header fields used: compression (int32 at byte 4; 6 = sparse),
/// rows (int32 at 108), cols (int32 at 112), dlen (uint32 at 152, the number of payload elements). A dense frame's
/// payload is dlen = rows·cols uint16 counts; a sparse frame's is dlen int32 pixel indices followed by dlen 16-bit
/// counts. The first header decides dense or sparse and the frame size for the whole file.
/// </summary>
internal static class ImmFile
{
    public const int HeaderBytes = 1024;
    public const int SparseCompression = 6;
    private const int CompressionOffset = 4, RowsOffset = 108, ColsOffset = 112, DlenOffset = 152;

    public static SparseDetectorSource Read(string path)
    {
        long length = RigakuBinFile.FileLength(path);
        if (length < HeaderBytes) throw new DataContractException(path, $"truncated: {length} bytes, shorter than one 1024-byte IMM header");
        var offsets = new List<int> { 0 };
        var events = new EventListBuilder();
        int rows = 0, cols = 0;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            var header = new byte[HeaderBytes];
            byte[] payload = [];
            bool sparse = false;
            for (int frame = 0; stream.Position < length; frame++)
            {
                if (length - stream.Position < HeaderBytes)
                    throw new DataContractException(path, $"frame {frame}: truncated header ({length - stream.Position} of 1024 bytes)");
                stream.ReadExactly(header);
                int compression = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(CompressionOffset));
                int frameRows = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(RowsOffset));
                int frameCols = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(ColsOffset));
                uint dlen = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(DlenOffset));
                if (frame == 0)
                {
                    (rows, cols, sparse) = (frameRows, frameCols, compression == SparseCompression);
                    if (rows < 1 || cols < 1 || (long)rows * cols > int.MaxValue)
                        throw new DataContractException(path, $"header: detector of {rows} x {cols} pixels");
                }
                else if (frameRows != rows || frameCols != cols || (compression == SparseCompression) != sparse)
                    throw new DataContractException(path, $"frame {frame}: header says {frameRows} x {frameCols} {(compression == SparseCompression ? "sparse" : "dense")}, "
                        + $"the first frame {rows} x {cols} {(sparse ? "sparse" : "dense")}");
                int pixels = rows * cols;
                if (sparse ? dlen > pixels : dlen != pixels)
                    throw new DataContractException(path, $"frame {frame}: dlen {dlen} does not fit a {(sparse ? "sparse" : "dense")} {rows} x {cols} frame");
                long payloadBytes = (long)dlen * (sparse ? 6 : 2);
                if (length - stream.Position < payloadBytes)
                    throw new DataContractException(path, $"frame {frame}: truncated payload ({length - stream.Position} of {payloadBytes} bytes)");
                if (payload.Length < payloadBytes) payload = new byte[payloadBytes];
                var data = payload.AsSpan(0, (int)payloadBytes);
                stream.ReadExactly(data);
                int start = events.Count;
                if (sparse) AddSparse(path, frame, data, (int)dlen, pixels, events, start);
                else
                    for (int p = 0; p < pixels; p++)
                    {
                        int count = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(2 * p));
                        if (count != 0) events.Add(p, count);
                    }
                if (events.Count < 0) throw new DataContractException(path, "more than 2^31 events");
                offsets.Add(events.Count);
            }
        }
        catch (IOException e)
        {
            throw new DataContractException(path, $"cannot read: {e.Message}");
        }
        return new SparseDetectorSource(SparseDetectorSource.ImmFormat, rows, cols, offsets.ToArray(), events.Pixels, events.Counts);
    }

    private static void AddSparse(string path, int frame, ReadOnlySpan<byte> data, int dlen, int pixels, EventListBuilder events, int start)
    {
        bool sorted = true;
        for (int i = 0; i < dlen; i++)
        {
            int p = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(4 * i));
            int count = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(4 * dlen + 2 * i));
            if (p < 0 || p >= pixels) throw new DataContractException(path, $"frame {frame}: pixel index {p} is outside the {pixels}-pixel frame");
            sorted &= events.Count == start || p > events.Pixels[events.Count - 1];
            events.Add(p, count);
        }
        if (sorted) return;
        Array.Sort(events.Pixels, events.Counts, start, events.Count - start);
        for (int e = start + 1; e < events.Count; e++)
            if (events.Pixels[e] == events.Pixels[e - 1])
                throw new DataContractException(path, $"frame {frame}: pixel {events.Pixels[e]} is listed twice");
    }
}
