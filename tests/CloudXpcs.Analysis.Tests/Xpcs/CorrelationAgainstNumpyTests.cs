using System.Globalization;
using System.Text.Json;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Science.Tests.Support;

namespace CloudXpcs.Analysis.Tests.Xpcs;

/// <summary>
/// `correlate` against an independent implementation on series it has never seen: h5py writes a random
/// contract series (random geometry, mask, chunking, dtypes, storage; or uncompressed uint16 chunks, which take the
/// whole-series path), bench/reference/multitau_numpy.py
/// correlates it with plain numpy, and the g2.h5 written by CloudXpcs must agree.
/// </summary>
public class CorrelationAgainstNumpyTests
{
    private const string WriteSeries = """
import json, sys, numpy as np, h5py, os
folder, seed, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(seed)
rows, cols = int(rng.integers(17, 40)), int(rng.integers(17, 40))
frames = int(rng.integers(60, 260))
cuts = np.sort(rng.choice(np.arange(1, frames), size=2, replace=False))
sizes = [int(cuts[0]), int(cuts[1] - cuts[0]), int(frames - cuts[1])]
if kind == "contiguous":  # uncompressed uint16 chunks of at least 64 frames: the whole-series path
    frames = int(rng.integers(200, 400))
    extra = frames - 192
    a, b = sorted(int(x) for x in rng.integers(0, extra + 1, size=2))
    sizes = [64 + a, 64 + b - a, 64 + extra - b]
det = {"rows": rows, "cols": cols, "pixel_size_m": 75e-6, "distance_m": float(rng.uniform(4, 9)),
       "beam_center_row": float(rng.uniform(-5, rows)), "beam_center_col": float(rng.uniform(-8, cols)), "energy_keV": 10.9}
r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
R = np.hypot((r - det["beam_center_row"]) * 75e-6, (c - det["beam_center_col"]) * 75e-6)
q = 4 * np.pi / (12.398419843 / 10.9) * np.sin(np.arctan(R / det["distance_m"]) / 2)
qmap = {"q_min_inv_A": float(np.quantile(q, 0.1)), "q_max_inv_A": float(np.quantile(q, 0.95)),
        "q_bins": int(rng.integers(2, 5)), "phi_bins": int(rng.integers(3, 9)), "static_per_dynamic": int(rng.integers(1, 4))}
mask = (rng.random((rows, cols)) > 0.1).astype(np.uint8)
with h5py.File(os.path.join(folder, "mask.h5"), "w") as m:
    m["mask"] = mask
s = {"schema": "cloudxpcs.series/1", "beamtime": "bt", "series": "s%d" % seed, "frames": frames, "chunks": 3,
     "frame_time_s": 0.05, "position_mm": 0.2, "polarization_time_min": 30.0, "detector": det,
     "flow_axis_deg": float(rng.uniform(-90, 90)), "mask": "mask.h5", "qmap": qmap,
     "multitau": {"delays_per_level": int(rng.integers(2, 6))}}
json.dump(s, open(os.path.join(folder, "series.json"), "w"))
mean = float(rng.uniform(0.05, 3.0))
counts = rng.poisson(mean * (1 + 0.5 * np.sin(r / 3.0))[None], size=(frames, rows, cols))
if kind == "float":
    data = [counts.astype(np.float32) * np.float32(0.5)] * 3
    dtypes = ["float32"] * 3
else:
    data = [counts] * 3
    dtypes = ["uint16"] * 3 if kind == "contiguous" else ["uint16", "uint8", "int32"]
first = 0
for k, (n, dt) in enumerate(zip(sizes, dtypes)):
    block = data[k][first:first + n].astype(dt)
    with h5py.File(os.path.join(folder, "chunk-%05d.h5" % k), "w") as h:
        kw = {} if kind == "contiguous" else [{"compression": "gzip", "chunks": (1, rows, cols)}, {"chunks": (max(1, n // 3), rows, cols)}, {}][k]
        ds = h.create_dataset("entry/data/data", data=block, **kw)
        ds.attrs["first_frame"] = np.int64(first)
    first += n
""";

    private const string Compare = """
import json, sys, numpy as np, h5py
ours, ref = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
gr, er = ref["g2"][...], ref["g2_err"][...]
# g2.h5 holds one column per populated bin (DATA_CONTRACT 5.1); back on the full q x chi grid, NaN where empty.
columns = ours["/xpcs/cloudxpcs/column_bin"][...]
g, e = np.full(gr.shape, np.nan), np.full(er.shape, np.nan)
g[:, columns] = ours["/xpcs/cloudxpcs/normalized_g2"][...]
e[:, columns] = ours["/xpcs/cloudxpcs/normalized_g2_err"][...]
def rel(a, b):
    both = np.isfinite(a) & np.isfinite(b)
    return float(np.max(np.abs(a[both] - b[both]) / np.maximum(np.abs(b[both]), 1e-300))) if both.any() else 0.0
print(json.dumps({
  "shape_equal": g.shape == gr.shape,
  "lags_equal": bool(np.array_equal(ours["/xpcs/multitau/delay_list"][...], ref["lag_frames"][...])),
  "nan_pattern_equal": bool(np.array_equal(np.isnan(g), np.isnan(gr))),
  "finite_bins": int(np.isfinite(g).sum()),
  "g2_rel": rel(g, gr), "err_rel": rel(e, er),
  "image_rel": rel(ours["/xpcs/cloudxpcs/scattering_2d"][...], ref["scattering_2d"][...])}))
""";

    [SkippableTheory]
    [InlineData(1, "int")]
    [InlineData(2, "int")]
    [InlineData(3, "float")]
    [InlineData(4, "int")]
    [InlineData(5, "contiguous")]
    [InlineData(6, "contiguous")]
    public void Correlate_agrees_with_an_independent_numpy_implementation(int seed, string kind)
    {
        PythonH5py.SkipIfUnavailable();
        using var temp = new TempFolder();
        string series = temp.File("series");
        Directory.CreateDirectory(series);
        PythonH5py.Run(WriteSeries, series, seed.ToString(CultureInfo.InvariantCulture), kind);

        string ours = temp.File("g2.h5");
        // Uncompressed chunks with the default batch take the whole-series path; the others stream in odd batches.
        var times = new CorrelationStageTimes();
        SeriesCorrelation.CorrelateToFile(series, ours, new SeriesCorrelationOptions { BatchFrames = kind == "contiguous" ? 0 : 7 + seed, Timings = times });
        Assert.Equal(kind == "contiguous", times.WholeSeries);

        string reference = temp.File("reference.h5");
        string script = Path.Combine(RepoPaths.RepoRoot, "bench", "reference", "multitau_numpy.py");
        PythonH5py.Run(File.ReadAllText(script), "series", Path.Combine(series, "series.json"), reference);
        using var report = JsonDocument.Parse(PythonH5py.Run(Compare, ours, reference));
        var r = report.RootElement;
        Assert.True(r.GetProperty("shape_equal").GetBoolean());
        Assert.True(r.GetProperty("lags_equal").GetBoolean());
        Assert.True(r.GetProperty("nan_pattern_equal").GetBoolean());
        Assert.True(r.GetProperty("finite_bins").GetInt32() > 0);
        Assert.True(r.GetProperty("g2_rel").GetDouble() < 1e-9, r.ToString());
        // numpy's reference computes the variance as E[x²] − E[x]², which loses digits.
        Assert.True(r.GetProperty("err_rel").GetDouble() < 1e-6, r.ToString());
        Assert.True(r.GetProperty("image_rel").GetDouble() < 1e-12, r.ToString());
    }
}
