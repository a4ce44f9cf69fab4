using PureHDF;

namespace CloudXpcs.Data.Hdf5;

/// <summary>Pixel data types a chunk file may hold (DATA_CONTRACT section 1.1).</summary>
public enum FrameDType
{
    UInt8,
    Int8,
    UInt16,
    Int16,
    UInt32,
    Int32,
    Float32,
}

/// <summary>Element type of the frames delivered to the correlator; integers arrive without conversion to float.</summary>
public enum FramePixelType
{
    /// <summary><see cref="ushort"/>: uint8, int8, uint16 and int16 files (values are non-negative, so they fit).</summary>
    UInt16,
    /// <summary><see cref="uint"/>: uint32 and int32 files.</summary>
    UInt32,
    /// <summary><see cref="float"/>: float32 files.</summary>
    Float32,
}

public static class FrameDTypes
{
    public static int ByteSize(this FrameDType dtype) => dtype switch
    {
        FrameDType.UInt8 or FrameDType.Int8 => 1,
        FrameDType.UInt16 or FrameDType.Int16 => 2,
        _ => 4,
    };

    /// <summary>numpy-style name: uint8, int16, float32, ...</summary>
    public static string Name(this FrameDType dtype) => dtype.ToString().ToLowerInvariant();

    /// <summary>The narrowest batch element type that holds every non-negative value of the file type exactly (floats as float).</summary>
    public static FramePixelType PixelType(this FrameDType dtype) => dtype switch
    {
        FrameDType.UInt8 or FrameDType.Int8 or FrameDType.UInt16 or FrameDType.Int16 => FramePixelType.UInt16,
        FrameDType.UInt32 or FrameDType.Int32 => FramePixelType.UInt32,
        _ => FramePixelType.Float32,
    };

    /// <summary>The pixel type that holds the values of every chunk of a series: the widest of them.</summary>
    public static FramePixelType Widest(FramePixelType a, FramePixelType b) => (FramePixelType)Math.Max((int)a, (int)b);

    /// <summary>The contract dtype of an HDF5 type, or null with a description of the unsupported type.</summary>
    internal static FrameDType? FromHdf5(IH5DataType type, out string description)
    {
        description = $"{type.Class} of {type.Size} bytes";
        switch (type.Class)
        {
            case H5DataTypeClass.FixedPoint:
                bool signed = type.FixedPoint.IsSigned;
                description = $"{(signed ? "int" : "uint")}{type.Size * 8}";
                return (type.Size, signed) switch
                {
                    (1, false) => FrameDType.UInt8,
                    (1, true) => FrameDType.Int8,
                    (2, false) => FrameDType.UInt16,
                    (2, true) => FrameDType.Int16,
                    (4, false) => FrameDType.UInt32,
                    (4, true) => FrameDType.Int32,
                    _ => null,
                };
            case H5DataTypeClass.FloatingPoint:
                description = $"float{type.Size * 8}";
                return type.Size == 4 ? FrameDType.Float32 : null;
            default:
                return null;
        }
    }
}
