using System.Text.Json.Nodes;
using CloudXpcs.Infra.Tests.Support;

namespace CloudXpcs.Infra.Tests;

/// <summary>Raw data protection, least privilege, network restriction and the Entra ID option of the compiled templates.</summary>
public sealed class InfraHardeningTests(CompiledInfra infra) : IClassFixture<CompiledInfra>
{
    private ArmTemplate Storage => infra.Main.Module("storage");

    [Fact]
    public void Storage_IsZoneRedundantByDefault() =>
        Assert.Equal("Standard_ZRS", (string?)Storage.Parameter("skuName"));

    [Fact]
    public void RawBlobs_AreVersionedAndImmutable()
    {
        var blobService = Storage.SingleResource("Microsoft.Storage/storageAccounts/blobServices")["properties"]!;
        Assert.True((bool)blobService["isVersioningEnabled"]!);
        Assert.True((bool)Storage.SingleResource("Microsoft.Storage/storageAccounts")["properties"]!["immutableStorageWithVersioning"]!["enabled"]!);

        var raw = Storage.ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices/containers")
            .Single(c => c["properties"]!["immutableStorageWithVersioning"] is not null);
        Assert.Equal(["raw"], Storage.ResourceNames(raw).Select(n => n.Split('/')[^1]));
        Assert.True((bool)raw["properties"]!["immutableStorageWithVersioning"]!["enabled"]!);
        var policy = Storage.SingleResource("Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies")["properties"]!;
        Assert.False((bool)policy["allowProtectedAppendWrites"]!);
        Assert.True((int)Storage.Parameter("rawImmutabilityDays")! >= 1);
    }

    [Fact]
    public void TheApp_HasNoBlobOwnershipAndCannotDeleteRaw()
    {
        var rbac = infra.Main.Module("rbac");
        Assert.DoesNotContain("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", rbac.Json); // Storage Blob Data Owner
        var blob = rbac.ResourcesOfType("Microsoft.Authorization/roleAssignments")
            .Single(r => rbac.EvaluateString(r["properties"]!["roleDefinitionId"]).EndsWith("ba92f5b4-2d11-453d-a403-e96b0029c9fe", StringComparison.Ordinal));
        Assert.Equal("2.0", (string?)blob["properties"]!["conditionVersion"]);
        string condition = rbac.EvaluateString(blob["properties"]!["condition"]);
        Assert.Contains("blobs/delete'}", condition);
        Assert.Contains("deleteBlobVersion/action'}", condition);
        Assert.Contains("StringNotEquals 'raw'", condition.Replace(ArmExpression.Unknown, "raw"));
    }

    [Fact]
    public void NetworkAccess_IsRestrictedByParameter()
    {
        var account = Storage.SingleResource("Microsoft.Storage/storageAccounts")["properties"]!;
        string acl = account["networkAcls"]!.ToJsonString();
        Assert.Contains("allowedIpRangeList", acl);
        Assert.Contains("Deny", acl);
        Assert.Contains("disablePublicNetworkAccess", account["publicNetworkAccess"]!.ToJsonString());
        var serviceBus = infra.Main.Module("servicebus");
        var rules = serviceBus.SingleResource("Microsoft.ServiceBus/namespaces/networkRuleSets");
        Assert.Equal("Deny", (string?)rules["properties"]!["defaultAction"]);
        Assert.Contains("allowedIpRangeList", rules["condition"]!.ToJsonString());
        foreach (string module in new[] { "storage", "servicebus" })
            Assert.Equal("[variables('ipRangeList')]", infra.Main.Module(module).PassedParameterExpression("allowedIpRangeList"));
    }

    [Fact]
    public void TheHttpApi_CanRequireEntraId()
    {
        var app = infra.Main.Module("functionapp");
        var auth = app.ResourcesOfType("Microsoft.Web/sites/config").Single(c => c.ToJsonString().Contains("authsettingsV2"));
        Assert.Contains("apiEntraClientId", auth["condition"]!.ToJsonString());
        var properties = auth["properties"]!;
        Assert.True((bool)properties["globalValidation"]!["requireAuthentication"]!);
        Assert.Equal("Return401", (string?)properties["globalValidation"]!["unauthenticatedClientAction"]);
        Assert.True((bool)properties["identityProviders"]!["azureActiveDirectory"]!["enabled"]!);
        Assert.Equal("[parameters('apiEntraClientId')]", app.PassedParameterExpression("apiEntraClientId"));
    }

    [Fact]
    public void PrivateNetworking_PutsStorageAndServiceBusBehindPrivateEndpointsTheAppReaches()
    {
        var deployment = infra.Main.ResourcesOfType("Microsoft.Resources/deployments").Single(r => (string?)r["name"] == "network");
        Assert.Equal("[parameters('privateNetworking')]", (string?)deployment["condition"]);
        var network = infra.Main.Module("network");
        var endpoints = network.Variable("endpoints")!.AsArray();
        Assert.Equal(["blob", "queue", "table", "namespace"], endpoints.Select(e => (string)e!["groupId"]!));
        Assert.Equal("[length(variables('endpoints'))]", (string?)network.SingleResource("Microsoft.Network/privateEndpoints")["copy"]!["count"]);
        Assert.Equal("[length(variables('endpoints'))]", (string?)network.SingleResource("Microsoft.Network/privateEndpoints/privateDnsZoneGroups")["copy"]!["count"]);
        Assert.Equal("[length(variables('endpoints'))]", (string?)network.SingleResource("Microsoft.Network/privateDnsZones/virtualNetworkLinks")["copy"]!["count"]);
        var subnets = network.SingleResource("Microsoft.Network/virtualNetworks")["properties"]!["subnets"]!.AsArray();
        Assert.Equal("Microsoft.App/environments", (string?)subnets[0]!["properties"]!["delegations"]![0]!["properties"]!["serviceName"]);

        // The app's outbound traffic goes through the network; storage and Service Bus deny public traffic by default.
        var app = infra.Main.Module("functionapp");
        Assert.Contains("appSubnetId", app.SingleResource("Microsoft.Web/sites")["properties"]!["virtualNetworkSubnetId"]!.ToJsonString());
        Assert.Contains("'Microsoft.Network/virtualNetworks/subnets', variables('names').virtualNetwork, 'app')", app.PassedParameterExpression("appSubnetId"));
        Assert.Equal("[variables('names').virtualNetwork]", network.PassedParameterExpression("virtualNetworkName"));
        Assert.Equal("app", (string?)subnets[0]!["name"]);
        Assert.Equal("[parameters('privateNetworking')]", Storage.PassedParameterExpression("denyPublicByDefault"));
        Assert.Contains("denyPublicByDefault", Storage.SingleResource("Microsoft.Storage/storageAccounts")["properties"]!["networkAcls"]!["defaultAction"]!.ToJsonString());
        var serviceBus = infra.Main.Module("servicebus");
        Assert.Equal("[parameters('privateNetworking')]", serviceBus.PassedParameterExpression("privateEndpoints"));
        string sku = serviceBus.SingleResource("Microsoft.ServiceBus/namespaces")["sku"]!.ToJsonString();
        Assert.Contains("Premium", sku);
        Assert.Contains("privateEndpoints", sku);
        Assert.Contains("privateEndpoints", serviceBus.SingleResource("Microsoft.ServiceBus/namespaces/networkRuleSets")["condition"]!.ToJsonString());
    }
}
