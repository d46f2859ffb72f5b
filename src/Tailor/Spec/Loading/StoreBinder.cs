using System.Text.RegularExpressions;
using Tailor.Spec.Yaml;
using Tailor.Text;

namespace Tailor.Spec.Loading;

/// <summary>Reads <c>store:</c>: SQLite (a file beside the project) or PostgreSQL (a connection string from the environment).</summary>
internal sealed partial class StoreBinder(SpecReadContext context)
{
    private static readonly string[] StoreKeys = ["provider", "path", "connection_string_env"];
    private static readonly string[] Providers = ["sqlite", "postgres"];

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentVariableName();

    public StoreSpec Read(MappingReader root)
    {
        MappingReader? store = root.Mapping("store", "the store settings (provider:, path:, connection_string_env:)", StoreKeys, SecretKeys.ForStore);
        if (store is null)
        {
            return new StoreSpec();
        }

        string provider = "sqlite";
        if (store.Scalar("provider") is { } providerNode)
        {
            provider = providerNode.Value.Trim().ToLowerInvariant();
            if (provider is "postgresql" or "pg" or "npgsql")
            {
                context.Error(providerNode, store.Field("provider"), $"unknown store provider '{providerNode.Value}'", "did you mean 'postgres'?");
            }
            else if (!Providers.Contains(provider))
            {
                context.Error(providerNode, store.Field("provider"), $"unknown store provider '{providerNode.Value}'", Spelling.Suggest(provider, Providers));
            }
        }

        SourceScalar? path = store.Scalar("path");
        SourceScalar? connection = store.Scalar("connection_string_env");
        if (connection is not null && !EnvironmentVariableName().IsMatch(connection.Value))
        {
            context.Error(connection, store.Field("connection_string_env"),
                "connection_string_env must be the NAME of an environment variable (letters, digits, _), not the connection string",
                "e.g. connection_string_env: TAILOR_POSTGRES");
        }

        if (provider == "postgres")
        {
            if (connection is null)
            {
                store.ReportMissing("connection_string_env", "the environment variable holding the PostgreSQL connection string, e.g. TAILOR_POSTGRES");
            }

            if (path is not null)
            {
                context.Warning(path, store.Field("path"), "path is ignored: it is the SQLite file, and this store is postgres");
            }
        }
        else if (provider == "sqlite" && connection is not null)
        {
            context.Warning(connection, store.Field("connection_string_env"), "connection_string_env is ignored: it is for postgres, and this store is sqlite");
        }

        var spec = new StoreSpec { Provider = provider, ConnectionStringEnv = connection?.Value };
        return path is null ? spec : spec with { Path = path.Value };
    }
}
