namespace CloudXpcs.Data.Tests.Support;

public static class ContractAssert
{
    /// <summary>The action fails with a one-line <see cref="DataContractException"/> naming <paramref name="source"/> and containing every fragment.</summary>
    public static DataContractException Throws(string source, Action action, params string[] fragments)
    {
        var ex = Assert.Throws<DataContractException>(action);
        Assert.Equal(source, ex.Source);
        Assert.StartsWith(source + ": ", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        foreach (var fragment in fragments) Assert.Contains(fragment, ex.Message);
        return ex;
    }
}
