namespace CloudXpcs.Data.Manifests;

/// <summary>Checks on names and paths that a manifest puts into file or blob names. Each returns null or the problem.</summary>
internal static class ManifestNames
{
    /// <summary>A beamtime or series name: one non-empty path segment, no separators, no "..".</summary>
    public static string? SegmentProblem(string value)
    {
        if (value.Length == 0 || value.Length > 200) return "must have 1 to 200 characters";
        if (value == "." || value == "..") return "must not be '.' or '..'";
        if (value.IndexOfAny(['/', '\\', ':']) >= 0) return "must not contain '/', '\\' or ':'";
        if (value.Any(char.IsControl)) return "must not contain control characters";
        return null;
    }

    /// <summary>A path relative to the series folder: not rooted, no "..", no empty segments, '/' as separator.</summary>
    public static string? RelativePathProblem(string path)
    {
        if (path.Length == 0) return "is empty";
        if (path.Length > 500) return "is longer than 500 characters";
        if (path.StartsWith('/') || path.StartsWith('\\') || Path.IsPathRooted(path) || (path.Length >= 2 && path[1] == ':'))
            return "must be relative to the series folder, not absolute";
        if (path.Contains('\\')) return "must use '/' as separator";
        if (path.Any(char.IsControl)) return "must not contain control characters";
        foreach (var segment in path.Split('/'))
        {
            if (segment == "..") return "must not contain '..'";
            if (segment.Length == 0 || segment == ".") return "must not have empty or '.' segments";
        }
        return null;
    }

    public static string Shorten(string value) => value.Length <= 60 ? value : value[..57] + "...";
}
