using CloudXpcs.Pipeline.Tests.Support;

namespace CloudXpcs.Functions.Tests.Support;

/// <summary>The pinned Azurite (fixture of the pipeline tests) shared by the storage-backed tests of this assembly.</summary>
[CollectionDefinition(Name)]
public sealed class FunctionsAzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "functions-azurite";
}
