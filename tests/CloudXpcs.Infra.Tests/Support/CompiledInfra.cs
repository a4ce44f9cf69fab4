namespace CloudXpcs.Infra.Tests.Support;

/// <summary>infra/main.bicep and infra/blob-events.bicep compiled once per test class that needs them.</summary>
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
