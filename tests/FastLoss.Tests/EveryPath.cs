using System;
using System.Linq;

namespace FastLoss.Tests;

/// <summary>
/// Runs a check on every kernel path this CPU supports, narrowest first, setting <see cref="KernelPaths.Active"/>
/// (process-wide: callers are in <see cref="KernelPathCollection"/>) and restoring it afterwards.
/// </summary>
internal static class EveryPath
{
    public static KernelPath[] Supported => Enum.GetValues<KernelPath>().Where(p => p <= KernelPaths.Supported).ToArray();

    public static void Run(Action<KernelPath> check)
    {
        KernelPath saved = KernelPaths.Active;
        try
        {
            foreach (KernelPath path in Supported)
            {
                KernelPaths.Active = path;
                check(path);
            }
        }
        finally
        {
            KernelPaths.Active = saved;
        }
    }
}
