namespace CloudXpcs.Infra.Tests.Support;

/// <summary>Shares one <see cref="CompiledInfra"/> between the test classes that need it (each Bicep build takes seconds).</summary>
[CollectionDefinition(Name)]
public sealed class CompiledInfraCollection : ICollectionFixture<CompiledInfra>
{
    public const string Name = "compiled infra";
}

/// <summary>infra/main.bicep and infra/blob-events.bicep compiled once for the whole test run.</summary>
public sealed class CompiledInfra
{
    public CompiledInfra()
    {
        MainBuild = BicepCli.Run("build", "main.bicep", "--stdout");
        BlobEventsBuild = BicepCli.Run("build", "blob-events.bicep", "--stdout");
        Main = ArmTemplate.Parse("main", MainBuild.StandardOutput);
        BlobEvents = ArmTemplate.Parse("blob-events", BlobEventsBuild.StandardOutput);
    }

    public BicepRun MainBuild { get; }

    public BicepRun BlobEventsBuild { get; }

    public ArmTemplate Main { get; }

    public ArmTemplate BlobEvents { get; }
}
