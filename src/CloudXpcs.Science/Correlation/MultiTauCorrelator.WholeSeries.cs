using System.Runtime.CompilerServices;
using System.Numerics;

namespace CloudXpcs.Science.Correlation;

/// <summary>Whole frames of a series, in time order, at <see cref="Address"/> (e.g. a memory-mapped chunk file).</summary>
public readonly record struct FrameBlockAddress(nint Address, int Frames);

/// <summary>
/// The whole-series dense path: when every frame of the series is in memory at once (memory-mapped chunks), the
/// columns go through all frames one block after the other, each block with a few hundred KiB of level state that
/// stays in the cache and is finalized as soon as the block has seen the last frame. The streaming path
/// (<see cref="AddFrames{T}"/>) keeps every column's state (hundreds of MiB for a 512 x 512 detector) and reads and
/// writes it once per batch; on a VM its first touch alone costs about as much as the correlation.
/// Column blocks are finalized in the streaming path's order (<see cref="SumColumnParts{TScratch}"/>) and every lag
/// sum is the same exact integer, so the result is bit-identical.
/// </summary>
public sealed partial class MultiTauCorrelator
{
    private const int WholeSeriesColumnsPerBlock = MaxColumnsPerWorkItem;

    /// <summary>
    /// Correlates the whole series from <paramref name="blocks"/> (whole frames, in order, every frame of the series;
    /// the memory must stay valid during the call) and finishes the correlator, as <see cref="AddFrames{T}"/> with every
    /// frame followed by <see cref="ToPartialSums"/>. Only for a correlator that has taken no frames yet.
    /// <paramref name="framesDone"/> hears the share of the work done, in frames. Returns false when the frames were
    /// photon-starved and went through the event path instead (the automatic choice of <see cref="AddFrames{T}"/>).
    /// </summary>
    public unsafe bool CorrelateWholeSeries<T>(IReadOnlyList<FrameBlockAddress> blocks, IProgress<long>? framesDone = null)
        where T : unmanaged, INumberBase<T>
    {
        if (_framesSeen != 0 || _finished is not null)
            throw new InvalidOperationException("the whole-series path needs a correlator that has taken no frames");
        ObjectDisposedException.ThrowIf(_stateMemory is null, this);
        long frames = blocks.Sum(b => (long)b.Frames);
        if (frames != _totalFrames) throw new ArgumentException($"the blocks hold {frames} frames, the series {_totalFrames}", nameof(blocks));
        int pixels = _qmap.PixelCount;
        if (blocks.Count > 0 && blocks[0].Frames > 0 && LooksSparseForEvents(new ReadOnlySpan<T>((T*)blocks[0].Address, pixels)))
        {
            StreamBlocks<T>(blocks, framesDone);
            return false;
        }
        _heldBatches = null;
        var pieces = new List<(nint Address, int Frames, int FirstFrame)>();
        int first = 0;
        foreach (var block in blocks)
        {
            for (int f = 0; f < block.Frames; f += ShortSubBatchFrames)
                pieces.Add((block.Address + (nint)f * pixels * sizeof(T), Math.Min(ShortSubBatchFrames, block.Frames - f), first + f));
            first += block.Frames;
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = _maxParallelism };
        Parallel.For(0, _unbinnedColumns.Length, options, c =>
        {
            foreach (var piece in pieces) SumUnbinnedColumn(new FrameSource<T>((T*)piece.Address, pixels, piece.Frames), _unbinnedColumns[c]);
        });

        for (int l = 0; l < _levels.Length; l++) _levels[l].ValuesSoFar = MultiTauLadder.BinnedFrames(_totalFrames, l);
        var scales = new LagScales(Lags, _levels);
        long blocksDone = 0, blockCount = (_columnStart.Length + WholeSeriesColumnsPerBlock - 1) / WholeSeriesColumnsPerBlock;
        var states = new System.Collections.Concurrent.ConcurrentBag<BlockState>();
        var progressGate = new object();
        try
        {
            var result = SumColumnParts(() =>
                {
                    var state = new BlockState(this, _scratchPool.TryTake(out var pooled) ? pooled : new Scratch(_history));
                    states.Add(state);
                    return state;
                },
                (sums, firstColumn, endColumn, state) =>
                {
                    for (int b = firstColumn; b < endColumn; b += WholeSeriesColumnsPerBlock)
                    {
                        int count = Math.Min(WholeSeriesColumnsPerBlock, endColumn - b);
                        CorrelateColumnBlock<T>(pieces, b, count, state);
                        for (int j = 0; j < count; j++)
                        {
                            AddColumnSums(sums, b + j, scales, new LevelStateRows(state.Levels, j));
                            int p0 = _columnStart[b + j];
                            for (int lane = 0; lane < Math.Min(Lanes, _pixelEnd - p0); lane++) _pixelSum[p0 + lane] = state.Levels[0].Total(j, lane);
                        }
                        // One report at a time and in order: the callback may update a display, or cancel by throwing.
                        if (framesDone is not null)
                            lock (progressGate) framesDone.Report(_totalFrames * ++blocksDone / Math.Max(1, blockCount));
                    }
                });
            CopyBinnedPixelSums(result);
            _framesSeen = _totalFrames;
            _finished = result;
        }
        catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(x => x is OperationCanceledException) is { } cancelled)
        {
            // A progress callback that cancels ends the correlation as it does between the streaming path's batches.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cancelled);
        }
        finally
        {
            foreach (var state in states)
            {
                _scratchPool.Add(state.Scratch);
                state.Dispose();
            }
        }
        // The state memory was not used: pooled again only if it came touched, since Prewarm takes a kept buffer for ready.
        if (!_stateMemoryTouched)
        {
            var untouched = _stateMemory;
            _stateMemory = null;
            untouched?.Dispose();
        }
        Dispose();
        return true;
    }

    /// <summary>Whether the automatic choice of <see cref="AddFrames{T}"/> would take the event path for frames like this one.</summary>
    private bool LooksSparseForEvents<T>(ReadOnlySpan<T> frame) where T : unmanaged, INumberBase<T> =>
        _eventPathForSparseFrames && (typeof(T) == typeof(ushort) || typeof(T) == typeof(byte) || typeof(T) == typeof(uint))
        && CountNonZero(frame) <= EventPathOccupancy * frame.Length;

    /// <summary>Photon-starved frames go through <see cref="AddFrames{T}"/>, whose event path costs work per photon, not per pixel.</summary>
    private unsafe void StreamBlocks<T>(IReadOnlyList<FrameBlockAddress> blocks, IProgress<long>? framesDone) where T : unmanaged, INumberBase<T>
    {
        int pixels = _qmap.PixelCount;
        foreach (var block in blocks)
            for (int f = 0; f < block.Frames; f += MaxSubBatchFrames)
            {
                int count = Math.Min(MaxSubBatchFrames, block.Frames - f);
                AddFrames(new ReadOnlySpan<T>((T*)block.Address + (long)f * pixels, count * pixels));
                framesDone?.Report(_framesSeen);
            }
        ToPartialSums();
    }

    /// <summary>Columns [first, first + count) through every frame, their level state in <paramref name="state"/> (columns 0..count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void CorrelateColumnBlock<T>(List<(nint Address, int Frames, int FirstFrame)> pieces, int first, int count, BlockState state)
        where T : unmanaged, INumberBase<T>
    {
        int pixels = _qmap.PixelCount;
        var levels = state.Levels;
        foreach (var level in levels) level.ValuesSoFar = 0;
        float blockMax = 0;
        var scratch = state.Scratch;
        foreach (var (address, n, firstFrame) in pieces)
        {
            var plan = new BatchPlan(levels, n);
            var source = new FrameSource<T>((T*)address, pixels, n);
            scratch.Reset(n);
            if (typeof(T) == typeof(ushort))
            {
                GatherFloats(System.Runtime.CompilerServices.Unsafe.As<FrameSource<T>, FrameSource<ushort>>(ref source), first, count, scratch);
                blockMax = MathF.Max(blockMax, scratch.Max);
            }
            int floatLevels = FloatLevels<T>(blockMax, plan);
            for (int j = 0; j < count; j++) ProcessColumn(source, new ColumnState(levels, j, count), first + j, j, plan, floatLevels, scratch);
            AddIntensity(scratch.Intensity.AsSpan(0, n), firstFrame);
            plan.Commit(levels);
        }
    }

    /// <summary>One thread's level state for a block of columns (kept in the cache block after block) and its work buffers.</summary>
    private sealed class BlockState : IDisposable
    {
        private readonly HugePageBuffer _memory;

        public BlockState(MultiTauCorrelator correlator, Scratch scratch)
        {
            Scratch = scratch;
            int levels = correlator._levels.Length;
            _memory = new HugePageBuffer(correlator.LevelStateDoubles(levels, WholeSeriesColumnsPerBlock));
            Levels = correlator.LayOutLevels(_memory, levels, WholeSeriesColumnsPerBlock);
        }

        public MultiTauLevelState[] Levels { get; }
        public Scratch Scratch { get; }

        public void Dispose() => _memory.Dispose();
    }
}
