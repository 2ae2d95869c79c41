namespace Microsoft.ML.Autoencoders.Kernels;

/// <summary>A piece of work split into numbered tasks that may run on different threads.</summary>
internal interface IParallelWork
{
    /// <summary>Runs task <paramref name="index"/>.</summary>
    void Execute(int index);
}

/// <summary>
/// One worker thread per extra core, kept spinning for a moment after each job so that the dozen short
/// multiplies of a training step start in a microsecond rather than a thread-pool wake-up. One job runs
/// at a time; a caller that finds the pool busy runs its tasks on its own thread.
/// </summary>
internal static class WorkerPool
{
    private const int SpinIterations = 4000;

    private static readonly object Gate = new();
    private static Worker[]? s_workers;
    private static int s_pending;
    private static Exception? s_failure;

    /// <summary>The threads a job can use, the caller's included.</summary>
    public static int ThreadCount => Environment.ProcessorCount;

    /// <summary>Runs tasks 0 to <paramref name="count"/> - 1 of <paramref name="work"/> and returns when all are done.</summary>
    public static void Run(int count, IParallelWork work)
    {
        if (count <= 1 || ThreadCount == 1 || !Monitor.TryEnter(Gate))
        {
            for (int i = 0; i < count; i++)
            {
                work.Execute(i);
            }

            return;
        }

        try
        {
            Worker[] workers = s_workers ??= CreateWorkers();
            int helpers = Math.Min(count - 1, workers.Length);
            int participants = helpers + 1;
            s_failure = null;
            Volatile.Write(ref s_pending, helpers);
            for (int w = 0; w < helpers; w++)
            {
                workers[w].Start(work, count, w + 1, participants);
            }

            for (int i = 0; i < count; i += participants)
            {
                work.Execute(i);
            }

            var spinner = new SpinWait();
            while (Volatile.Read(ref s_pending) != 0)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            if (s_failure is Exception failure)
            {
                throw new AggregateException(failure);
            }
        }
        finally
        {
            Monitor.Exit(Gate);
        }
    }

    private static Worker[] CreateWorkers()
    {
        var workers = new Worker[ThreadCount - 1];
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = new Worker(i);
        }

        return workers;
    }

    private sealed class Worker
    {
        private readonly SemaphoreSlim _wake = new(0);
        private IParallelWork? _work;
        private int _count, _first, _stride;
        private int _generation;
        private int _sleeping;

        public Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"Autoencoders worker {index + 1}" };
            thread.Start();
        }

        public void Start(IParallelWork work, int count, int first, int stride)
        {
            _work = work;
            _count = count;
            _first = first;
            _stride = stride;
            Interlocked.Increment(ref _generation);
            if (Interlocked.CompareExchange(ref _sleeping, 0, 1) == 1)
            {
                _wake.Release();
            }
        }

        private void Loop()
        {
            int seen = 0;
            while (true)
            {
                int spins = 0;
                while (Volatile.Read(ref _generation) == seen)
                {
                    if (++spins < SpinIterations)
                    {
                        Thread.SpinWait(20);
                        continue;
                    }

                    Interlocked.Exchange(ref _sleeping, 1);
                    if (Volatile.Read(ref _generation) == seen)
                    {
                        _wake.Wait();
                    }

                    Interlocked.Exchange(ref _sleeping, 0);
                    spins = 0;
                }

                seen = Volatile.Read(ref _generation);
                try
                {
                    for (int i = _first; i < _count; i += _stride)
                    {
                        _work!.Execute(i);
                    }
                }
                catch (Exception e)
                {
                    s_failure = e;
                }
                finally
                {
                    _work = null;
                    Interlocked.Decrement(ref s_pending);
                }
            }
        }
    }
}
