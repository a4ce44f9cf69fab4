namespace CloudXpcs.Data.Hdf5;

/// <summary>Dataset paths of g2.h5 (DATA_CONTRACT section 5.1).</summary>
public static class G2Paths
{
    public const string FileName = "g2.h5";
    public const string NormalizedG2 = "/xpcs/multitau/normalized_g2";
    public const string NormalizedG2Err = "/xpcs/multitau/normalized_g2_err";
    public const string DelayList = "/xpcs/multitau/delay_list";
    public const string LagFrames = "/xpcs/multitau/lag_frames";
    public const string DynamicRoiMap = "/xpcs/qmap/dynamic_roi_map";
    public const string DynamicVListDim0 = "/xpcs/qmap/dynamic_v_list_dim0";
    public const string DynamicVListDim1 = "/xpcs/qmap/dynamic_v_list_dim1";
    public const string DynamicNumPts = "/xpcs/qmap/dynamic_num_pts";
    public const string StaticRoiMap = "/xpcs/qmap/static_roi_map";
    public const string Scattering2d = "/xpcs/temporal_mean/scattering_2d";
    public const string IntensityVsTime = "/xpcs/spatial_mean/intensity_vs_time";
    public const string FrameTime = "/entry/instrument/detector_1/frame_time";
}
