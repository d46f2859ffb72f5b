namespace Tailor.Providers.OpenAI.Wire;

/// <summary>The answer of <c>GET /v1/models</c>: <c>{"object":"list","data":[{"id","object":"model","created","owned_by"}]}</c>.</summary>
public sealed class ModelList
{
    public string Object { get; set; } = "list";

    public List<ModelInfo> Data { get; set; } = [];
}

public sealed class ModelInfo
{
    public string Id { get; set; } = "";

    public string Object { get; set; } = "model";

    public long Created { get; set; }

    public string? OwnedBy { get; set; }
}
