using System.Numerics;
using CloudXpcs.Science.Synthetic;

namespace CloudXpcs.Science.Tests.Synthetic;

public class StationaryFieldSeriesTests
{
    [Theory]
    [InlineData(1.0)]   // AR(1)
    [InlineData(0.5)]   // circulant embedding, stretched
    [InlineData(1.6)]   // circulant embedding, compressed
    [InlineData(2.0)]   // circulant embedding, Gaussian (the hardest case)
    public void Sample_correlation_matches_target_and_is_circular(double gamma)
    {
        const int frames = 48, realisations = 3000, maxLag = 20;
        var target = new StretchedExponential(Tau0S: 8.0, gamma);
        var series = StationaryFieldSeries.Create(target, frames, frameTimeS: 1.0);
        Assert.Equal(gamma == 1.0, series is Ar1FieldSeries);
        var rng = new Random(11);
        var workspace = series.CreateWorkspace();
        var cov = new Complex[maxLag + 1];
        var pseudo = new Complex[maxLag + 1];
        for (int r = 0; r < realisations; r++)
        {
            var z = series.Generate(rng, workspace);
            Assert.Equal(frames, z.Length);
            for (int k = 0; k <= maxLag; k++)
            {
                cov[k] += Complex.Conjugate(z[0]) * z[k] + Complex.Conjugate(z[frames - 1 - k]) * z[frames - 1];
                pseudo[k] += z[0] * z[k];
            }
        }
        // Each estimate averages 2·3000 unit-variance products: σ ≈ 0.013 per component; 5σ ≈ 0.065.
        for (int k = 0; k <= maxLag; k++)
        {
            Complex c = cov[k] / (2.0 * realisations);
            Assert.True(Math.Abs(c.Real - target.At(k)) < 0.065, $"lag {k}: E[z* z'] = {c.Real}, target {target.At(k)}");
            Assert.True(Math.Abs(c.Imaginary) < 0.065, $"lag {k}: imaginary part {c.Imaginary}");
            Assert.True((pseudo[k] / realisations).Magnitude < 0.1, $"lag {k}: E[z z'] = {pseudo[k] / realisations}, not circular");
        }
    }

    [Fact]
    public void Compressed_exponential_embedding_clips_only_round_off()
    {
        var series = CirculantEmbeddingFieldSeries.Create(new StretchedExponential(150.0, 2.0), 2048, 0.2);
        Assert.True(series.ClippedEigenvalueFraction < 1e-9, series.Method);
        Assert.True(series.EmbeddingSize >= 2 * 2047);
    }

    [Fact]
    public void Gamma_outside_zero_to_two_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => StationaryFieldSeries.Create(new StretchedExponential(10, 2.5), 100, 1));
        Assert.Throws<ArgumentException>(() => StationaryFieldSeries.Create(new StretchedExponential(10, 0), 100, 1));
    }
}
