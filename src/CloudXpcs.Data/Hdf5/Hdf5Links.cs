using System.Collections;
using System.Reflection;
using CloudXpcs.Data.Inputs;
using PureHDF;
using PureHDF.VOL.Native;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// Reads the links on a dataset path without following external links. PureHDF opens the target file of an external
/// link as soon as a lookup reaches it, before any check can see the target; this reads the group's link messages
/// itself, so a target outside the series folder (or not a regular file: a FIFO, a device) is refused by name before
/// anything is opened, and a master file's links to its data files are recognised as such and not followed.
/// </summary>
internal static class Hdf5Links
{
    // PureHDF 2.2 keeps object headers and link messages internal; the link tests (master + data files, a link out of
    // the folder) fail if an upgrade renames any of these.
    private static readonly Assembly PureHdf = typeof(NativeGroup).Assembly;
    private static readonly PropertyInfo Header = Member(typeof(NativeObject).GetProperty("Header", BindingFlags.NonPublic | BindingFlags.Instance), "NativeObject.Header");
    private static readonly Type LinkMessage = Member(PureHdf.GetType("PureHDF.VOL.Native.LinkMessage"), "LinkMessage");
    private static readonly Type LinkInfoMessage = Member(PureHdf.GetType("PureHDF.VOL.Native.LinkInfoMessage"), "LinkInfoMessage");
    private static readonly Type ExternalLinkInfo = Member(PureHdf.GetType("PureHDF.VOL.Native.ExternalLinkInfo"), "ExternalLinkInfo");
    private static readonly PropertyInfo LinkName = Member(LinkMessage.GetProperty("LinkName"), "LinkMessage.LinkName");
    private static readonly PropertyInfo LinkInfo = Member(LinkMessage.GetProperty("LinkInfo"), "LinkMessage.LinkInfo");
    private static readonly PropertyInfo ExternalFilePath = Member(ExternalLinkInfo.GetProperty("FilePath"), "ExternalLinkInfo.FilePath");
    private static readonly PropertyInfo ExternalObjectPath = Member(ExternalLinkInfo.GetProperty("FullObjectPath"), "ExternalLinkInfo.FullObjectPath");
    private static readonly MethodInfo DenseLinks = Member(typeof(NativeGroup).GetMethod("EnumerateLinkMessagesFromLinkInfoMessage", BindingFlags.NonPublic | BindingFlags.Instance), "NativeGroup.EnumerateLinkMessagesFromLinkInfoMessage");
    private static readonly PropertyInfo NameIndexAddress = Member(LinkInfoMessage.GetProperty("BTree2NameIndexAddress"), "LinkInfoMessage.BTree2NameIndexAddress");

    private static T Member<T>(T? member, string name) where T : class =>
        member ?? throw new InvalidOperationException($"PureHDF: {name} not found; the HDF5 link check needs updating");

    /// <summary>
    /// Whether <paramref name="datasetPath"/> is a dataset reached without leaving <paramref name="path"/>. An external link on
    /// the way (a master file's link to a data file) answers false once its target is known to be a regular file of the
    /// same folder; a target anywhere else is a contract error naming it.
    /// </summary>
    public static bool StoresDatasetHere(NativeFile file, string path, string datasetPath)
    {
        if (ExternalLinkOn(file, path, datasetPath) is not null) return false;
        var found = ContractHdf5.Guard(path, () => Hdf5Confinement.Resolve(file, path, () => file.LinkExists(datasetPath) ? file.Get(datasetPath) : null));
        if (found is null) return false;
        // A virtual dataset (a master's view of its data files) counts as stored here: VirtualFrames reads it.
        return found is NativeDataset ? true : throw new DataContractException(path, $"{datasetPath} is not a dataset");
    }

    /// <summary>
    /// The external link on the way to <paramref name="datasetPath"/> (e.g. a contract chunk's /entry/data/data linking to
    /// a file beside it), as the target file (a regular file of the same folder, checked before anything is opened;
    /// anything else is a contract error naming the link) and the object path there; null when there is none.
    /// </summary>
    public static (string File, string Object)? ExternalLinkOn(NativeFile file, string path, string datasetPath)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var segments = datasetPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        NativeGroup group = file;
        string walked = "";
        for (int i = 0; i < segments.Length; i++)
        {
            walked += "/" + segments[i];
            if (FindExternal(group, path, segments[i]) is { } external)
            {
                CheckTarget(path, folder, walked, external.File);
                string rest = string.Join("/", segments[(i + 1)..]);
                return (Path.Combine(folder, Path.GetFileName(external.File)), "/" + external.Object.Trim('/') + (rest.Length > 0 ? "/" + rest : ""));
            }
            if (i == segments.Length - 1) return null;
            string here = walked;
            if (ContractHdf5.Guard(path, () => Hdf5Confinement.Resolve(file, path, () => file.LinkExists(here) ? file.Get(here) : null)) is not NativeGroup next)
                return null;
            group = next;
        }
        return null;
    }

    /// <summary>
    /// The external links held directly in group <paramref name="groupPath"/> (e.g. a master file's /entry/data), in
    /// link-name order, each target checked to be a regular file of the same folder; empty when the group is absent.
    /// </summary>
    public static IReadOnlyList<(string Name, string File, string Object)> ExternalLinksIn(NativeFile file, string path, string groupPath)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!StoresGroupHere(file, path, groupPath, out var group)) return [];
        var links = new List<(string, string, string)>();
        foreach (var message in LinkMessages(group!, path))
        {
            var info = LinkInfo.GetValue(message);
            if (info is null || !ExternalLinkInfo.IsInstanceOfType(info)) continue;
            string name = (string)LinkName.GetValue(message)!, target = (string)ExternalFilePath.GetValue(info)!;
            CheckTarget(path, folder, groupPath.TrimEnd('/') + "/" + name, target);
            links.Add((name, Path.GetFileName(target), (string)ExternalObjectPath.GetValue(info)!));
        }
        return links.OrderBy(l => l.Item1, StringComparer.Ordinal).ToList();
    }

    private static bool StoresGroupHere(NativeFile file, string path, string groupPath, out NativeGroup? group)
    {
        group = file;
        string walked = "";
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        foreach (var segment in groupPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            walked += "/" + segment;
            if (FindExternal(group, path, segment) is { } external)
            {
                CheckTarget(path, folder, walked, external.File);
                group = null;
                return false;
            }
            string here = walked;
            if (ContractHdf5.Guard(path, () => Hdf5Confinement.Resolve(file, path, () => file.LinkExists(here) ? file.Get(here) : null)) is not NativeGroup next)
            {
                group = null;
                return false;
            }
            group = next;
        }
        return true;
    }

    /// <summary>The external link named <paramref name="name"/> in <paramref name="group"/>, read from its link messages, or null.</summary>
    private static (string File, string Object)? FindExternal(NativeGroup group, string path, string name)
    {
        foreach (var message in LinkMessages(group, path))
        {
            if (!string.Equals((string)LinkName.GetValue(message)!, name, StringComparison.Ordinal)) continue;
            var info = LinkInfo.GetValue(message);
            if (info is null || !ExternalLinkInfo.IsInstanceOfType(info)) return null;
            return ((string)ExternalFilePath.GetValue(info)!, (string)ExternalObjectPath.GetValue(info)!);
        }
        return null;
    }

    /// <summary>Link messages of a group stored in the new (1.8) format, compact or dense; none for an old-style group,
    /// which holds only hard and soft links.</summary>
    private static IEnumerable<object> LinkMessages(NativeGroup group, string path)
    {
        var header = Header.GetValue(group)!;
        var getMessages = header.GetType().GetMethod("GetMessages")!;
        var compact = ((IEnumerable)getMessages.MakeGenericMethod(LinkMessage).Invoke(header, null)!).Cast<object>().ToList();
        var infos = ((IEnumerable)getMessages.MakeGenericMethod(LinkInfoMessage).Invoke(header, null)!).Cast<object>().ToList();
        if (infos.Count != 1) return compact;
        ulong address = (ulong)NameIndexAddress.GetValue(infos[0])!;
        if (address == ulong.MaxValue || address == uint.MaxValue) return compact;
        try
        {
            return ((IEnumerable)DenseLinks.Invoke(group, [infos[0]])!).Cast<object>().ToList();
        }
        catch (Exception ex)
        {
            throw new DataContractException(path, $"cannot read the links of group {group.Name}: {ErrorText.Describe(ex.InnerException ?? ex)}", ex);
        }
    }

    private static void CheckTarget(string path, string folder, string linkPath, string target)
    {
        string name = Path.GetFileName(target);
        string? dir = Path.GetDirectoryName(target);
        bool sameFolder = string.IsNullOrEmpty(dir) || dir == "." || string.Equals(Path.GetFullPath(dir, folder), folder, StringComparison.Ordinal);
        if (!sameFolder || name.Length == 0 || name is "." or "..")
            throw new DataContractException(path, $"{linkPath} is an external link to {target}, outside the series folder");
        string resolved = Path.Combine(folder, name);
        if (!File.Exists(resolved) && !Directory.Exists(resolved))
            throw new DataContractException(path, $"{linkPath} is an external link to {target}, which is not in the series folder");
        try
        {
            InputFile.RequireRegularFile(resolved);
        }
        catch (DataContractException e)
        {
            throw new DataContractException(path, $"{linkPath} is an external link to {name}: {e.Problem}", e);
        }
    }
}
