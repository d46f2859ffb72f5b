using Microsoft.Data.Sqlite;

namespace Tailor.Store.Sqlite;

/// <summary>
/// Opens the project's SQLite file the one way every store over it needs: created with its directory if missing,
/// WAL with full sync (a committed write survives a crash), foreign keys on, and the schema migrated to the latest version.
/// </summary>
internal static class SqliteDatabase
{
    /// <summary>The full path, a pooled connection string for readers, and the open writer connection.</summary>
    public static (string Path, string ConnectionString, SqliteConnection Writer) Open(string path, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        string connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        var writer = new SqliteConnection(connectionString);
        try
        {
            writer.Open();
            using (var pragmas = writer.CreateCommand())
            {
                pragmas.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";
                pragmas.ExecuteNonQuery();
            }
            SqliteMigrations.Apply(writer, time, full);
            return (full, connectionString, writer);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }
}
