using Tailor.Store;
using Tailor.Store.Sqlite;

namespace Tailor.Tests.Store;

/// <summary>The store contract against a real SQLite file.</summary>
public sealed class SqliteGatewayStoreTests : GatewayStoreContract
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tailor-store-contract-").FullName;

    protected override Task<IGatewayStore> OpenAsync() =>
        Task.FromResult<IGatewayStore>(SqliteInteractionStore.Open(Path.Combine(_dir, "tailor.db")));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
