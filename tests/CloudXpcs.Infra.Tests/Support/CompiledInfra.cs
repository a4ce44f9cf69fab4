namespace CloudXpcs.Infra.Tests.Support;

/// <summary>Shares one <see cref="CompiledInfra"/> between the test classes that need it (each Bicep build takes seconds).</summary>
[CollectionDefinition(Name)]
public sealed class CompiledInfraCollection : ICollectionFixture<CompiledInfra>
{
    public const string Name = "compiled infra";
}

/// <summary>infra/main.bicep and infra/blob-events.bicep compiled, and every file linted and formatted, once for the whole test run.</summary>
public sealed class CompiledInfra : IDisposable
{
    public CompiledInfra()
    {
        MainBuild = BicepCli.Run("build", "main.bicep", "--stdout");
        BlobEventsBuild = BicepCli.Run("build", "blob-events.bicep", "--stdout");
        Main = ArmTemplate.Parse("main", MainBuild.StandardOutput);
        BlobEvents = ArmTemplate.Parse("blob-events", BlobEventsBuild.StandardOutput);
        Linted = new LintedInfra();
    }

    public LintedInfra Linted { get; }

    public void Dispose() => Linted.Dispose();

    public BicepRun MainBuild { get; }

    public BicepRun BlobEventsBuild { get; }

    public ArmTemplate Main { get; }

    public ArmTemplate BlobEvents { get; }
}
