using System.Reflection;

namespace OpenSips.Mi.Tests.Reliability;

/// <summary>What a leak would show in: open descriptors, threads, reply FIFOs, calls still pending.</summary>
internal static class ProcessResources
{
    /// <summary>Open file descriptors of this process (sockets, FIFOs, files, pipes, epoll, eventfds).</summary>
    public static int OpenDescriptors() => Directory.GetFileSystemEntries("/proc/self/fd").Length;

    /// <summary>Threads of this process whose name starts with <paramref name="prefix"/> (Linux keeps the first 15 bytes).</summary>
    public static int ThreadsNamed(string prefix)
    {
        var count = 0;
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n').StartsWith(prefix, StringComparison.Ordinal))
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // The thread ended while we looked.
            }
        }

        return count;
    }

    /// <summary>Entries in a directory (reply FIFOs, client sockets).</summary>
    public static int Entries(string directory) => Directory.GetFileSystemEntries(directory).Length;

    /// <summary>Calls waiting in the datagram correlator (0 for transports without one).</summary>
    public static int PendingDatagramCalls(MiClient client)
    {
        var field = typeof(MiClient).GetField("_exchange", BindingFlags.NonPublic | BindingFlags.Instance)
            ?? throw new InvalidOperationException("MiClient has no _exchange field any more: update this test helper.");
        return field.GetValue(client) is DatagramExchange datagram ? datagram.PendingCount : 0;
    }

    /// <summary>Polls until <paramref name="condition"/> holds or <paramref name="within"/> passes; returns whether it held.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Delay(50);
        }

        return true;
    }
}
