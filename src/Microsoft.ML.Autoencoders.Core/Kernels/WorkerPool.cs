using System.Runtime.CompilerServices;
namespace Microsoft.ML.Autoencoders.Kernels;

/// <summary>A piece of work split into numbered tasks that may run on different threads.</summary>
internal interface IParallelWork
{
    /// <summary>Runs task <paramref name="index"/>.</summary>
    void Execute(int index);
}

/// <summary>
/// One worker thread per extra core, kept spinning for a moment after each job so that the dozen short
/// multiplies of a training step start in a microsecond rather than a thread-pool wake-up. The caller and
/// the workers claim tasks one at a time, so a worker that the operating system has not scheduled costs
/// no more than the task it holds. One job runs at a time; a caller that finds the pool busy, or calls from
/// inside a task, runs its tasks on its own thread.
/// </summary>
internal static class WorkerPool
{
    private const int SpinIterations = 2000;

    private static readonly object Gate = new();
    private static Worker[]? s_workers;
    [ThreadStatic] private static bool t_inTask;

    /// <summary>The threads a job can use, the caller's included.</summary>
    public static int ThreadCount { get; } = Environment.ProcessorCount;

    /// <summary>Runs tasks 0 to <paramref name="count"/> - 1 of <paramref name="work"/> and returns when all are done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int count, IParallelWork work)
    {
        if (count <= 1 || ThreadCount == 1 || t_inTask || !Monitor.TryEnter(Gate))
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
            var job = new Job(work, count);
            int helpers = Math.Min(count - 1, workers.Length);
            for (int w = 0; w < helpers; w++)
            {
                workers[w].Start(job);
            }

            job.RunTasks();
            var spinner = new SpinWait();
            while (Volatile.Read(ref job.Completed) != count)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            if (job.Failure is Exception failure)
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

    /// <summary>One call's tasks and their claim and completion counters.</summary>
    private sealed class Job(IParallelWork work, int count)
    {
        public int Next;
        public int Completed;
        public Exception? Failure;

        /// <summary>Claims and runs tasks until none is left.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RunTasks()
        {
            int index;
            t_inTask = true;
            while ((index = Interlocked.Increment(ref Next) - 1) < count)
            {
                try
                {
                    work.Execute(index);
                }
                catch (Exception e)
                {
                    Failure = e;
                }
                finally
                {
                    Interlocked.Increment(ref Completed);
                }
            }

            t_inTask = false;
        }
    }

    private sealed class Worker
    {
        private readonly SemaphoreSlim _wake = new(0);
        private Job? _job;
        private int _sleeping;

        public Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"Autoencoders worker {index + 1}" };
            thread.Start();
        }

        public void Start(Job job)
        {
            Volatile.Write(ref _job, job);
            if (Interlocked.CompareExchange(ref _sleeping, 0, 1) == 1)
            {
                _wake.Release();
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Loop()
        {
            while (true)
            {
                Job? job;
                var spinner = new SpinWait();
                while ((job = Interlocked.Exchange(ref _job, null)) == null)
                {
                    // Spinning yields now and then, so a worker sharing a core with the caller lets it run.
                    if (spinner.Count < SpinIterations)
                    {
                        spinner.SpinOnce(sleep1Threshold: -1);
                        continue;
                    }

                    Interlocked.Exchange(ref _sleeping, 1);
                    if (Volatile.Read(ref _job) == null)
                    {
                        _wake.Wait();
                    }

                    Interlocked.Exchange(ref _sleeping, 0);
                    spinner.Reset();
                }

                job.RunTasks();
            }
        }
    }
}
