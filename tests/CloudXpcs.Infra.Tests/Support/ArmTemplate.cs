using System.Text.Json.Nodes;

namespace CloudXpcs.Infra.Tests.Support;

/// <summary>
/// A compiled ARM template (from <c>bicep build</c>) and its nested module deployments. Parameters of a module
/// take the values its parent passes (evaluated in the parent), otherwise their defaults.
/// </summary>
public sealed class ArmTemplate
{
    private readonly JsonObject template;
    private readonly ArmTemplate? parent;
    private readonly JsonObject? parameterValuesFromParent;

    private ArmTemplate(string name, JsonObject template, ArmTemplate? parent, JsonObject? parameterValuesFromParent)
    {
        Name = name;
        this.template = template;
        this.parent = parent;
        this.parameterValuesFromParent = parameterValuesFromParent;
    }

    public string Name { get; }

    /// <summary>The compiled JSON of this template alone (including its nested modules).</summary>
    public string Json => template.ToJsonString();

    public static ArmTemplate Parse(string name, string json) =>
        new(name, JsonNode.Parse(json)?.AsObject() ?? throw new FormatException($"{name}: not a JSON object"), null, null);

    public IEnumerable<JsonObject> Resources => template["resources"] switch
    {
        JsonArray array => array.OfType<JsonObject>(),
        JsonObject symbolic => symbolic.Select(p => p.Value).OfType<JsonObject>(),
        _ => [],
    };

    public IEnumerable<ArmTemplate> Modules => Resources
        .Where(r => (string?)r["type"] == "Microsoft.Resources/deployments")
        .Select(r => new ArmTemplate((string)r["name"]!, r["properties"]!["template"]!.AsObject(), this,
            r["properties"]!["parameters"]?.AsObject()));

    public ArmTemplate Module(string name) => Modules.SingleOrDefault(m => m.Name == name)
        ?? throw new InvalidOperationException($"{Name}: no module deployment named '{name}'");

    /// <summary>This template and every module below it.</summary>
    public IEnumerable<ArmTemplate> SelfAndModules => Modules.SelectMany(m => m.SelfAndModules).Prepend(this);

    public IEnumerable<JsonObject> ResourcesOfType(string type) =>
        Resources.Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    public JsonObject SingleResource(string type) => ResourcesOfType(type).SingleOrDefault()
        ?? throw new InvalidOperationException($"{Name}: expected exactly one {type}");

    /// <summary>"module.output" when the parent passes a module parameter straight from another module's output.</summary>
    public string? PassedModuleOutput(string name) =>
        PassedParameterExpression(name) is string expression && ModuleOutput.Match(expression) is { Success: true } m
            ? $"{m.Groups["module"].Value}.{m.Groups["output"].Value}"
            : null;

    private static readonly System.Text.RegularExpressions.Regex ModuleOutput = new(
        @"^\[reference\(.*'Microsoft\.Resources/deployments', '(?<module>[^']+)'\), '[^']+'\)\.outputs\.(?<output>\w+)\.value\]$");

    /// <summary>The raw expression the parent passes for a module parameter (null when none is passed).</summary>
    /// <remarks>A conditional value compiles to one expression for the whole parameter ("[if(c, createObject('value', a), …)]"), returned as is.</remarks>
    public string? PassedParameterExpression(string name) => parameterValuesFromParent?[name] switch
    {
        JsonValue whole => (string?)whole,
        var passed => (string?)passed?["value"],
    };

    public JsonNode? Parameter(string name)
    {
        if (parameterValuesFromParent?[name] is JsonObject passed && parent is not null)
            return parent.Evaluate(passed["value"]);
        JsonObject declared = template["parameters"]?[name]?.AsObject()
            ?? throw new InvalidOperationException($"{Name}: no parameter '{name}'");
        return declared.ContainsKey("defaultValue")
            ? Evaluate(declared["defaultValue"])
            : JsonValue.Create(ArmExpression.Unknown);
    }

    public JsonNode? Variable(string name) =>
        Evaluate(template["variables"]?[name] ?? throw new InvalidOperationException($"{Name}: no variable '{name}'"));

    /// <summary>Evaluates a template value (objects and arrays element by element) in this template's scope.</summary>
    public JsonNode? Evaluate(JsonNode? value, int? copyIndex = null) => value switch
    {
        JsonObject obj => new JsonObject(obj.Select(p =>
            KeyValuePair.Create(p.Key, Evaluate(p.Value, copyIndex)))),
        JsonArray array => new JsonArray(array.Select(item => Evaluate(item, copyIndex)).ToArray()),
        JsonValue v when v.TryGetValue(out string? s) => ArmExpression.EvaluateString(s, Parameter, Variable, copyIndex),
        _ => value?.DeepClone(),
    };

    public string EvaluateString(JsonNode? value, int? copyIndex = null) =>
        Evaluate(value, copyIndex) is JsonValue v && v.TryGetValue(out string? s) ? s : ArmExpression.Unknown;

    /// <summary>
    /// The names of a resource declaration: one for a plain resource, one per iteration for a copy loop.
    /// </summary>
    public IReadOnlyList<string> ResourceNames(JsonObject resource)
    {
        if (resource["copy"] is not JsonObject copy) return [EvaluateString(resource["name"])];
        var count = Evaluate(copy["count"]) as JsonValue;
        if (count is null || !count.TryGetValue(out int n))
            throw new InvalidOperationException($"{Name}: copy count of {resource["name"]} is not known at compile time");
        return Enumerable.Range(0, n).Select(i => EvaluateString(resource["name"], i)).ToList();
    }
}
