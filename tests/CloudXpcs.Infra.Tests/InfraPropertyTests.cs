using System.Text.Json.Nodes;
using CloudXpcs.Infra.Tests.Support;

namespace CloudXpcs.Infra.Tests;

/// <summary>Security and wiring properties of the compiled ARM templates.</summary>
[Collection(CompiledInfraCollection.Name)]
public sealed class InfraPropertyTests(CompiledInfra infra)
{
    private const string UserAssignedIdentityType = "Microsoft.ManagedIdentity/userAssignedIdentities";

    private ArmTemplate Storage => infra.Main.Module("storage");

    private ArmTemplate FunctionApp => infra.Main.Module("functionapp");

    [Fact]
    public void StorageAccount_AcceptsOnlyEntraIdOverTls12()
    {
        JsonObject properties = Storage.SingleResource("Microsoft.Storage/storageAccounts")["properties"]!.AsObject();
        Assert.False((bool)properties["allowSharedKeyAccess"]!);
        Assert.False((bool)properties["allowBlobPublicAccess"]!);
        Assert.True((bool)properties["supportsHttpsTrafficOnly"]!);
        Assert.True((bool)properties["defaultToOAuthAuthentication"]!);
        Assert.Equal("TLS1_2", (string?)properties["minimumTlsVersion"]);
    }

    [Fact]
    public void Storage_HasTheContainersAndThePipelineTables()
    {
        var containers = Storage.ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices/containers")
            .SelectMany(Storage.ResourceNames).Select(name => name.Split('/')[^1]).ToList();
        Assert.Contains("raw", containers);
        Assert.Contains("results", containers);
        Assert.Contains("deadletter", containers);
        Assert.Equal(4, containers.Count);

        // The fourth is the container the function app deploys its package from.
        Assert.Single(containers, c => c.StartsWith("deploy-", StringComparison.Ordinal));
        Assert.Equal(Storage.PassedParameterExpression("deploymentContainerName"),
            FunctionApp.PassedParameterExpression("deploymentContainerName"));

        var tables = Storage.ResourcesOfType("Microsoft.Storage/storageAccounts/tableServices/tables")
            .SelectMany(Storage.ResourceNames).Select(name => name.Split('/')[^1]).Order().ToList();
        Assert.Equal(["chunks", "comparisons", "runs", "series"], tables);

        var blobService = Storage.SingleResource("Microsoft.Storage/storageAccounts/blobServices")["properties"]!;
        Assert.True((bool)blobService["deleteRetentionPolicy"]!["enabled"]!);
        Assert.True((bool)blobService["containerDeleteRetentionPolicy"]!["enabled"]!);
        Assert.All(Storage.ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices/containers"),
            c => Assert.Equal("None", (string?)c["properties"]!["publicAccess"]));
    }

    [Fact]
    public void FunctionApp_RunsOnFlexConsumptionAsTheUserAssignedIdentity()
    {
        JsonObject plan = FunctionApp.SingleResource("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", (string?)plan["sku"]!["name"]);
        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);

        JsonObject site = FunctionApp.SingleResource("Microsoft.Web/sites");
        Assert.Equal("UserAssigned", (string?)site["identity"]!["type"]);
        string identityKey = Assert.Single(site["identity"]!["userAssignedIdentities"]!.AsObject()).Key;
        Assert.Equal("[format('{0}', parameters('identityId'))]", identityKey);
        Assert.Equal("identity.id", FunctionApp.PassedModuleOutput("identityId"));
        Assert.Equal("identity.clientId", FunctionApp.PassedModuleOutput("identityClientId"));

        JsonNode config = site["properties"]!["functionAppConfig"]!;
        Assert.Equal("dotnet-isolated", (string?)config["runtime"]!["name"]);
        Assert.Equal("UserAssignedIdentity", (string?)config["deployment"]!["storage"]!["authentication"]!["type"]);
        Assert.Equal("[parameters('identityId')]",
            (string?)config["deployment"]!["storage"]!["authentication"]!["userAssignedIdentityResourceId"]);
        Assert.True((bool)site["properties"]!["httpsOnly"]!);

        Assert.All(FunctionApp.ResourcesOfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies"),
            policy => Assert.False((bool)policy["properties"]!["allow"]!));
    }

    [Fact]
    public void AppSettings_AreIdentityBasedWithoutKeysOrSecrets()
    {
        JsonObject settings = AppSettingsExpressions();

        foreach (string connection in new[] { "AzureWebJobsStorage", "CLOUDXPCS_STORAGE" })
        {
            Assert.False(settings.ContainsKey(connection), $"{connection} must not be a connection string");
            foreach (string service in new[] { "blob", "queue", "table" })
                Assert.True(settings.ContainsKey($"{connection}__{service}ServiceUri"), $"{connection}__{service}ServiceUri missing");
        }
        Assert.True(settings.ContainsKey("CLOUDXPCS_SERVICEBUS__fullyQualifiedNamespace"));

        var credentials = settings.Where(s => s.Key.EndsWith("__credential", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, credentials.Count);
        Assert.All(credentials, s => Assert.Equal("managedidentity", (string?)s.Value));
        var clientIds = settings.Where(s => s.Key.EndsWith("__clientId", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, clientIds.Count);
        Assert.All(clientIds, s => Assert.Equal("[parameters('identityClientId')]", (string?)s.Value));

        Assert.Equal("[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]",
            (string?)settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);

        foreach ((string name, JsonNode? value) in settings)
        {
            string expression = value?.ToJsonString() ?? "";
            Assert.DoesNotContain("listKeys", expression, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("AccountKey", expression, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("SharedAccess", expression, StringComparison.OrdinalIgnoreCase);
            Assert.False(name.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase)
                && name != "APPLICATIONINSIGHTS_CONNECTION_STRING", $"{name} looks like a connection string setting");
        }
    }

    [Fact]
    public void MainTemplate_ReadsNoKeysAnywhere()
    {
        Assert.DoesNotContain("listKeys", infra.Main.Json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("listAccountSas", infra.Main.Json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("AccountKey", infra.Main.Json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void LocalAuthentication_IsDisabledOnMonitoringAndServiceBus()
    {
        ArmTemplate monitoring = infra.Main.Module("monitoring");
        Assert.True((bool)monitoring.SingleResource("Microsoft.Insights/components")["properties"]!["DisableLocalAuth"]!);
        Assert.True((bool)monitoring.SingleResource("Microsoft.OperationalInsights/workspaces")["properties"]!["features"]!["disableLocalAuth"]!);

        ArmTemplate serviceBus = infra.Main.Module("servicebus");
        Assert.True((bool)serviceBus.SingleResource("Microsoft.ServiceBus/namespaces")["properties"]!["disableLocalAuth"]!);
        Assert.Equal(["cloudxpcs-events"],
            serviceBus.ResourcesOfType("Microsoft.ServiceBus/namespaces/topics").SelectMany(serviceBus.ResourceNames)
                .Select(name => name.Split('/')[^1]).ToList());
    }

    [Fact]
    public void EveryRoleAssignment_GoesToTheFunctionAppsUserAssignedIdentity()
    {
        var assignments = infra.Main.SelfAndModules
            .SelectMany(t => t.ResourcesOfType("Microsoft.Authorization/roleAssignments").Select(r => (Template: t, Resource: r)))
            .ToList();
        Assert.Equal(4, assignments.Count); // one loop over the queue and table roles, blob contributor, Service Bus sender, metrics publisher

        string identityNameInMain = infra.Main.Module("identity").PassedParameterExpression("name")!;
        var scopeByRole = new Dictionary<string, string>();
        foreach ((ArmTemplate template, JsonObject assignment) in assignments)
        {
            string principal = (string)assignment["properties"]!["principalId"]!;
            Assert.Equal($"[reference(resourceId('{UserAssignedIdentityType}', parameters('identityName')), '2024-11-30').principalId]", principal);
            Assert.Equal(identityNameInMain, template.PassedParameterExpression("identityName"));
            Assert.Equal("ServicePrincipal", (string?)assignment["properties"]!["principalType"]);

            int iterations = template.ResourceNames(assignment).Count;
            for (int i = 0; i < iterations; i++)
            {
                string definition = template.EvaluateString(assignment["properties"]!["roleDefinitionId"], i);
                scopeByRole.Add(definition.Split('/')[^1], (string)assignment["scope"]!);
            }
        }

        const string storage = "resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))";
        Assert.Equal(new SortedDictionary<string, string>
        {
            ["ba92f5b4-2d11-453d-a403-e96b0029c9fe"] = $"[{storage}]", // Storage Blob Data Contributor (never Owner), no delete in raw
            ["974c5e8b-45b9-4653-ba55-5f855dd0fb88"] = $"[{storage}]", // Storage Queue Data Contributor
            ["0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"] = $"[{storage}]", // Storage Table Data Contributor
            // Azure Service Bus Data Sender on the one topic, not the namespace
            ["69a216fc-b8fb-44d8-bc22-1f3c2cd27a39"] = "[resourceId('Microsoft.ServiceBus/namespaces/topics', parameters('serviceBusNamespaceName'), parameters('serviceBusTopicName'))]",
            // Monitoring Metrics Publisher on the one Application Insights
            ["3913510d-42f4-4e42-8a64-420c390055eb"] = "[resourceId('Microsoft.Insights/components', parameters('applicationInsightsName'))]",
        }, new SortedDictionary<string, string>(scopeByRole));
    }

    [Fact]
    public void BlobEventsSubscription_DeliversBlobCreatedUnderRawToIngestRawBlob()
    {
        ArmTemplate events = infra.BlobEvents;
        JsonObject subscription = events.SingleResource("Microsoft.EventGrid/systemTopics/eventSubscriptions");
        JsonNode filter = subscription["properties"]!["filter"]!;
        Assert.Equal(["Microsoft.Storage.BlobCreated"], filter["includedEventTypes"]!.AsArray().Select(e => (string?)e).ToList());
        Assert.Equal("/blobServices/default/containers/raw/", events.EvaluateString(filter["subjectBeginsWith"]));

        JsonNode destination = subscription["properties"]!["destination"]!;
        Assert.Equal("WebHook", (string?)destination["endpointType"]);
        string endpoint = events.EvaluateString(destination["properties"]!["endpointUrl"]);
        Assert.StartsWith("https://", endpoint);
        Assert.Contains("/runtime/webhooks/blobs?functionName=Host.Functions.IngestRawBlob&code=" + ArmExpression.Unknown, endpoint);

        // Undeliverable events are dead-lettered into storage with the user-assigned identity, not a key.
        JsonNode deadLetter = subscription["properties"]!["deadLetterWithResourceIdentity"]!;
        Assert.Equal("UserAssigned", (string?)deadLetter["identity"]!["type"]);
        Assert.Equal($"[resourceId('{UserAssignedIdentityType}', parameters('identityName'))]", (string?)deadLetter["identity"]!["userAssignedIdentity"]);
        Assert.Equal("deadletter", events.EvaluateString(deadLetter["deadLetterDestination"]!["properties"]!["blobContainerName"]));
        Assert.Equal("StorageBlob", (string?)deadLetter["deadLetterDestination"]!["endpointType"]);

        // The key is read inside the deployment, used only in the endpoint URL and never output.
        string endpointExpression = (string)destination["properties"]!["endpointUrl"]!;
        Assert.Contains("systemKeys.blobs_extension", endpointExpression);
        var keyReads = StringValues(JsonNode.Parse(events.Json)).Where(v => v.Contains("listKeys", StringComparison.OrdinalIgnoreCase));
        Assert.Equal([endpointExpression], keyReads);
    }

    [Fact]
    public void SystemTopic_WatchesTheStorageAccount()
    {
        ArmTemplate eventGrid = infra.Main.Module("eventgrid");
        JsonObject topic = eventGrid.SingleResource("Microsoft.EventGrid/systemTopics");
        Assert.Equal("Microsoft.Storage.StorageAccounts", (string?)topic["properties"]!["topicType"]);
        Assert.Equal("storage.id", eventGrid.PassedModuleOutput("storageAccountId"));
        Assert.Equal("UserAssigned", (string?)topic["identity"]!["type"]);
        Assert.Equal("[format('{0}', parameters('identityId'))]", Assert.Single(topic["identity"]!["userAssignedIdentities"]!.AsObject()).Key);
        Assert.Equal("identity.id", eventGrid.PassedModuleOutput("identityId"));
    }

    private static IEnumerable<string> StringValues(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => StringValues(p.Value)),
        JsonArray array => array.SelectMany(StringValues),
        JsonValue v when v.TryGetValue(out string? s) => [s],
        _ => [],
    };

    private JsonObject AppSettingsExpressions()
    {
        JsonObject config = FunctionApp.ResourcesOfType("Microsoft.Web/sites/config")
            .Single(c => FunctionApp.EvaluateString(c["name"]).EndsWith("/appsettings", StringComparison.Ordinal));
        JsonNode? properties = config["properties"];
        // Bicep moves a variable's object literal into `variables`; read it unevaluated to see the expressions.
        if (properties is JsonValue v && v.TryGetValue(out string? reference) && reference.StartsWith("[variables('", StringComparison.Ordinal))
        {
            string name = reference["[variables('".Length..reference.IndexOf("')", StringComparison.Ordinal)];
            properties = JsonNode.Parse(FunctionApp.Json)!["variables"]![name];
        }
        return properties!.AsObject();
    }
}
