namespace Chorus.EndToEnd.Tests.Shipping;

/// <summary>
/// The tests that build src/ in Release (publish.sh, dotnet pack): they share the projects' bin/Release and
/// obj/ folders, and two such builds at once delete each other's files, so they run one at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ReleaseBuilds
{
    public const string Name = "Release builds of src/";
}
