namespace Tailor.Spec;

/// <summary>Finds the project a command runs in: the nearest <c>tailor.yaml</c> at or above a directory.</summary>
public static class SpecLocator
{
    /// <summary>The spec file name looked for.</summary>
    public const string FileName = "tailor.yaml";

    /// <summary>
    /// Full path of <c>tailor.yaml</c> in <paramref name="startDirectory"/> or its nearest ancestor
    /// that has one; null when none up to the root has.
    /// </summary>
    public static string? Find(string startDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(startDirectory);
        for (DirectoryInfo? directory = new(Path.GetFullPath(startDirectory)); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
