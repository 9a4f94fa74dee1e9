namespace GrainFlow.Storage.AzureBlob;

/// <summary>The rules Azure Blob storage sets for container names, and a message naming them for a name that breaks them.</summary>
internal static class BlobContainerNames
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless <paramref name="name"/> is a valid container name:
    /// 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.
    /// </summary>
    public static void Validate(string name, string paramName = "containerName")
    {
        if (!IsValid(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a valid Azure Blob container name: use 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit (e.g. 'grainflow').",
                paramName);
        }
    }

    /// <summary>Whether <paramref name="name"/> is a valid container name (see <see cref="Validate"/>).</summary>
    public static bool IsValid(string? name)
    {
        if (name == "$root")
        {
            return true;
        }

        if (name is null || name.Length is < 3 or > 63)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = c is >= 'a' and <= 'z' or >= '0' and <= '9' || (c == '-' && i > 0 && i < name.Length - 1 && name[i - 1] != '-');
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
