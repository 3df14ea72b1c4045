namespace Chorus.Tests.Support;

/// <summary>Waits for a condition on state another process or thread changes, up to a deadline.</summary>
public static class Eventually
{
    public static async Task True(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"condition not met within {timeout}");
            await Task.Delay(20); // a polling period: the condition, not the delay, ends the wait
        }
    }

    /// <summary>The same for a condition that has to ask (an HTTP request).</summary>
    public static async Task True(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"condition not met within {timeout}");
            await Task.Delay(20);
        }
    }
}
