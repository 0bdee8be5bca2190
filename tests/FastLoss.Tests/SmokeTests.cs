using Xunit;

namespace FastLoss.Tests;

public class SmokeTests
{
    [Fact]
    public void MeanSquaredErrorOfKnownValues()
    {
        float[] p = [1f, 2f, 3f];
        float[] t = [1f, 0f, 5f];
        float[] g = new float[3];
        Assert.Equal(8f / 3f, Loss.MeanSquaredError<float>(p, t, g));
        Assert.Equal([0f, 4f / 3f, -4f / 3f], g);
    }
}
