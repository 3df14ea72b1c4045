using Chorus.Hosting;

namespace Chorus.Node.Spec;

/// <summary>A --spec file Chorus refuses: exit 2, with the file, the key path or line, what is wrong and the fix.</summary>
public sealed class SpecException(string message) : UsageException(message);
