using Akka.Actor;

namespace Chorus.Bench.LoadNodes;

/// <summary>
/// Collects what the load nodes report (one small actor per actor system, so a node reports in its own system):
/// when each has written all its lines, and any refusal by the aggregator.
/// </summary>
public sealed class Driver
{
    private readonly Dictionary<ActorSystem, IActorRef> _refs = new();
    private readonly TaskCompletionSource _allGenerated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _generatedNodes, _expected = int.MaxValue, _refusals;
    private long _generatedLines;
    private readonly object _gate = new();

    public int Refusals => Volatile.Read(ref _refusals);

    public void Attach(ActorSystem system) => _refs[system] = system.ActorOf(Props.Create(() => new Listener(this)), "driver");

    public IActorRef RefIn(ActorSystem system) => _refs[system];

    /// <summary>Lines written in all once all <paramref name="nodes"/> have written theirs, or so far when time runs out.</summary>
    public async Task<long> AllGenerated(int nodes, TimeSpan within, CancellationToken cancel)
    {
        lock (_gate)
        {
            _expected = nodes;
            if (_generatedNodes >= nodes) _allGenerated.TrySetResult();
        }
        try { await _allGenerated.Task.WaitAsync(within > TimeSpan.Zero ? within : TimeSpan.Zero, cancel); }
        catch (Exception e) when (e is TimeoutException or TaskCanceledException) { Console.Error.WriteLine($"load-nodes: only {_generatedNodes} of {nodes} nodes wrote all their lines in time"); }
        lock (_gate) return _generatedLines;
    }

    private void OnGenerated(LoadNode.Generated generated)
    {
        lock (_gate)
        {
            _generatedNodes++;
            _generatedLines += generated.Lines;
            if (_generatedNodes >= _expected) _allGenerated.TrySetResult();
        }
    }

    private sealed class Listener : ReceiveActor
    {
        public Listener(Driver driver)
        {
            Receive<LoadNode.Generated>(driver.OnGenerated);
            Receive<LoadNode.Refused>(refused =>
            {
                Interlocked.Increment(ref driver._refusals);
                Console.Error.WriteLine($"load-nodes: node load-{refused.Index:0000} refused: {refused.Reason}");
            });
        }
    }
}
