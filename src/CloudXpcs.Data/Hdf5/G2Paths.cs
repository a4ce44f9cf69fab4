namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// Dataset paths of g2.h5 (DATA_CONTRACT section 5.1): the APS 8-ID-I result layout that the beamline's correlator
/// (boost_corr) writes and its viewer (pyXpcsViewer) reads, plus CloudXpcs's own datasets under /xpcs/cloudxpcs.
/// </summary>
public static class G2Paths
{
    public const string FileName = "g2.h5";

    public const string QMapGroup = "/xpcs/qmap";
    /// <summary>Attribute of <see cref="QMapGroup"/>: content hash of the q-map (the viewer's q-map cache key).</summary>
    public const string QMapHashAttribute = "hash";
    public const string Mask = "/xpcs/qmap/mask";
    public const string DynamicRoiMap = "/xpcs/qmap/dynamic_roi_map";
    public const string StaticRoiMap = "/xpcs/qmap/static_roi_map";
    public const string DynamicNumPts = "/xpcs/qmap/dynamic_num_pts";
    public const string StaticNumPts = "/xpcs/qmap/static_num_pts";
    public const string DynamicIndexMapping = "/xpcs/qmap/dynamic_index_mapping";
    public const string StaticIndexMapping = "/xpcs/qmap/static_index_mapping";
    public const string DynamicVListDim0 = "/xpcs/qmap/dynamic_v_list_dim0";
    public const string DynamicVListDim1 = "/xpcs/qmap/dynamic_v_list_dim1";
    public const string StaticVListDim0 = "/xpcs/qmap/static_v_list_dim0";
    public const string StaticVListDim1 = "/xpcs/qmap/static_v_list_dim1";
    public const string BeamCenterX = "/xpcs/qmap/beam_center_x";
    public const string BeamCenterY = "/xpcs/qmap/beam_center_y";
    public const string PixelSize = "/xpcs/qmap/pixel_size";
    public const string DetectorDistance = "/xpcs/qmap/detector_distance";
    public const string QMapEnergy = "/xpcs/qmap/energy";
    public const string MapNames = "/xpcs/qmap/map_names";
    public const string MapUnits = "/xpcs/qmap/map_units";

    public const string NormalizedG2 = "/xpcs/multitau/normalized_g2";
    public const string NormalizedG2Err = "/xpcs/multitau/normalized_g2_err";
    /// <summary>Lag in correlator frames (int64); seconds = delay_list · frame_time · stride_frame · avg_frame.</summary>
    public const string DelayList = "/xpcs/multitau/delay_list";
    public const string StrideFrame = "/xpcs/multitau/config/stride_frame";
    public const string AvgFrame = "/xpcs/multitau/config/avg_frame";

    public const string Scattering2d = "/xpcs/temporal_mean/scattering_2d";
    public const string Scattering1d = "/xpcs/temporal_mean/scattering_1d";
    public const string Scattering1dSegments = "/xpcs/temporal_mean/scattering_1d_segments";
    public const string IntensityVsTime = "/xpcs/spatial_mean/intensity_vs_time";

    public const string StartTime = "/entry/start_time";
    public const string IncidentEnergy = "/entry/instrument/incident_beam/incident_energy";
    public const string FrameTime = "/entry/instrument/detector_1/frame_time";
    public const string CountTime = "/entry/instrument/detector_1/count_time";
    public const string XPixelSize = "/entry/instrument/detector_1/x_pixel_size";
    public const string YPixelSize = "/entry/instrument/detector_1/y_pixel_size";
    public const string Distance = "/entry/instrument/detector_1/distance";

    /// <summary>CloudXpcs's own datasets: names the APS layout does not use.</summary>
    public const string CloudXpcsGroup = "/xpcs/cloudxpcs";
    /// <summary>Attribute of <see cref="CloudXpcsGroup"/> naming the layout version.</summary>
    public const string LayoutAttribute = "layout";
    public const string LayoutVersion = "cloudxpcs.g2/2";
    public const string DelayS = "/xpcs/cloudxpcs/delay_s";
    public const string G2Exact = "/xpcs/cloudxpcs/normalized_g2";
    public const string G2ErrExact = "/xpcs/cloudxpcs/normalized_g2_err";
    public const string ColumnBin = "/xpcs/cloudxpcs/column_bin";
    public const string ColumnChiDeg = "/xpcs/cloudxpcs/column_chi_deg";
    public const string ColumnPixels = "/xpcs/cloudxpcs/column_pixels";
    public const string QCenters = "/xpcs/cloudxpcs/q_centers";
    /// <summary>[q_min_inv_A, q_max_inv_A] of the q binning, exactly as given (the centres alone do not round-trip).</summary>
    public const string QRange = "/xpcs/cloudxpcs/q_range";
    public const string ChiCenters = "/xpcs/cloudxpcs/chi_centers";
    public const string StaticPerDynamic = "/xpcs/cloudxpcs/static_per_dynamic";
    public const string FlowAxis = "/xpcs/cloudxpcs/flow_axis";
    public const string Frames = "/xpcs/cloudxpcs/frames";
    public const string Scattering2dExact = "/xpcs/cloudxpcs/scattering_2d";
    public const string IntensityVsTimeExact = "/xpcs/cloudxpcs/intensity_vs_time";

    public const string TwoTimeGroup = "/xpcs/twotime";
    /// <summary>Group of the two-time maps: c2_00001, c2_00002, ... (float32 N × N, upper triangle with the diagonal; the
    /// viewer adds the transpose and halves the diagonal), one per processed bin in the order of <see cref="TwoTimeProcessedBins"/>.</summary>
    public const string TwoTimeCorrelationMap = "/xpcs/twotime/correlation_map";
    /// <summary>The processed bins as dynamic_roi_map values (1-based g2 columns).</summary>
    public const string TwoTimeProcessedBins = "/xpcs/twotime/processed_bins";
    /// <summary>Lags of <see cref="TwoTimeG2"/> in correlator frames (0..N−1).</summary>
    public const string TwoTimeDelayList = "/xpcs/twotime/delay_list";
    /// <summary>(N, processed bins) float32: the diagonal averages of the maps.</summary>
    public const string TwoTimeG2 = "/xpcs/twotime/normalized_g2";
    /// <summary>(L, segments, processed bins) float32: the same in consecutive segments of L frames.</summary>
    public const string TwoTimeG2Segments = "/xpcs/twotime/normalized_g2_segments";
    public const string TwoTimeStrideFrame = "/xpcs/twotime/config/stride_frame";
    public const string TwoTimeAvgFrame = "/xpcs/twotime/config/avg_frame";

    /// <summary>A dataset of the earlier CloudXpcs layout (cloudxpcs.g2/1), used to recognise such files.</summary>
    public const string LegacyLagFrames = "/xpcs/multitau/lag_frames";
}
