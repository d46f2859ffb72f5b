using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Tailor.Local.Gguf;
using Tailor.Local.Models;
using Tailor.Local.Tokenizer;
using Tailor.Local.Training.Checkpoints;
using Tailor.Local.Training.Data;
using Tailor.Local.Training.Export;
using Tailor.Local.Training.Graph;

namespace Tailor.Local.Training;

/// <summary>
/// Trains a llama GGUF in this process on ggml's CPU backend: full fine-tuning or LoRA over a frozen base, instruct data
/// (loss on assistant tokens) or plain text, AdamW with warm-up and decay, accumulation, clipping, validation, exact
/// checkpoint/resume, cancellation; writes a merged GGUF or an adapter and checks it against llama.cpp.
/// </summary>
/// <remarks>
/// Everything is validated in C# before native code runs, so the known ggml aborts cannot be reached; a native abort
/// still ends the process, which is why the CLI runs <see cref="Worker.TrainingWorkerClient"/> (a child process) instead.
/// One run at a time per process is the intended use: two concurrent runs are safe but share the cores.
/// </remarks>
public static class LocalTrainer
{
    private const ulong DropoutPurpose = 0x4452_4F50;

    /// <summary>Runs <paramref name="job"/> to the end and reports on <paramref name="progress"/> (synchronously, from the training thread).</summary>
    /// <param name="job">What to train.</param>
    /// <param name="progress">Receives every event in order; keep it quick, the next step waits for it.</param>
    /// <param name="cancellationToken">Stops the run at the next graph node; a checkpoint of the last full step is written first.</param>
    /// <param name="timeProvider">The clock of the run record's timestamps (default: the system clock).</param>
    /// <exception cref="TrainingException">Bad input (<see cref="TrainingException.IsInputError"/>) or a failed run.</exception>
    /// <exception cref="TrainingCancelledException"><paramref name="cancellationToken"/> fired; a checkpoint was written first.</exception>
    public static TrainingResult Train(TrainingJob job, IProgress<TrainingEvent>? progress = null, CancellationToken cancellationToken = default, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        var time = timeProvider ?? TimeProvider.System;
        var report = progress is null ? (Action<TrainingEvent>)(_ => { }) : progress.Report;
        var clock = Stopwatch.StartNew();

        // 1. Check the options and the files
        var options = job.Options.Validate();
        var basePath = Path.GetFullPath(job.BaseModelPath);
        var outputPath = Path.GetFullPath(job.OutputPath);
        if (!File.Exists(basePath))
        {
            throw new TrainingException($"no model file at {basePath}", isInputError: true);
        }

        if (string.Equals(basePath, outputPath, StringComparison.Ordinal))
        {
            throw new TrainingException("the output would overwrite the base model; choose another output path", isInputError: true);
        }

        var lora = options.Lora;
        var mode = lora is null ? "full" : "lora";

        // 2. Load the base model: hyperparameters, vocabulary, F32 weights (F16/BF16 are widened; quantized files are refused)
        var (baseMetadata, weights, vocabulary) = LoadBase(basePath);
        var config = weights.Config;
        if (options.SequenceLength > config.ContextLength)
        {
            throw new TrainingException($"the sequence length {options.SequenceLength} exceeds the model's context length {config.ContextLength}", isInputError: true);
        }

        if (lora is not null && lora.Rank > Math.Min(config.EmbeddingLength, Math.Min(config.KvEmbeddingLength, config.FeedForwardLength)))
        {
            throw new TrainingException($"LoRA rank {lora.Rank} is larger than the smallest target dimension of this model ({Math.Min(config.EmbeddingLength, Math.Min(config.KvEmbeddingLength, config.FeedForwardLength))})", isInputError: true);
        }

        if (config.LayerCount > TrainingEngine.MaxLayers)
        {
            // the graphs are sized for this many; more would overflow them, which aborts inside ggml
            throw new TrainingException($"the model has {config.LayerCount} layers; the trainer's graphs hold at most {TrainingEngine.MaxLayers}", isInputError: true);
        }

        var baseHash = Sha256OfFile(basePath);

        // 3. Tokenize, validate, split and hash the data (ChatML for conversations, as inference formats them)
        if (job.Examples.Concat(job.ValidationExamples ?? []).Any(e => e.Messages is not null) && vocabulary.ChatTemplate is { } template && !ChatTemplate.ChatMl.Matches(template))
        {
            throw new TrainingException("the model's chat template is not ChatML; the trainer formats conversations as ChatML only (train on plain text, or use a model Tailor created)", isInputError: true);
        }

        var encoder = new ExampleEncoder(new LlamaTokenizer(vocabulary), options.SequenceLength);
        var data = TrainingDataset.Create(encoder, job.Examples, job.ValidationExamples, options.ValidationFraction, options.Seed);
        var paddingId = vocabulary.PaddingId ?? vocabulary.EosId;

        // 4. Plan the batches: micro-batch k is a pure function of (data, seed, k); size the LM head for the fullest one
        int rows = options.BatchSize, length = options.SequenceLength, accumulation = options.AccumulationSteps;
        var plan = new BatchPlan(data.Train, options.Seed, rows, length, paddingId);
        var totalMicroBatches = (long)options.Steps * accumulation;
        var lossRows = LossRows(plan.MaxTrainedTokens(totalMicroBatches), rows * length);
        var validationBatches = BatchPlan.PackInOrder(data.Validation, rows, length, paddingId);

        // 5. Build the native state: backend, weights, adapter, inputs, graphs
        var threads = options.Threads ?? Environment.ProcessorCount; // the most; the tuner may use fewer
        var engineInfo = LocalEngine.EnsureLoaded();
        var ggmlBuild = $"ggml {engineInfo.GgmlVersion} ({engineInfo.GgmlCommit}, {engineInfo.Location.Variant.ToString().ToLowerInvariant()})";
        using var backend = new CpuBackend(threads);
        using var cancelRegistration = cancellationToken.Register(backend.RequestCancel);
        using var model = new ModelTensors(weights, backend.Handle);
        using var adapter = lora is null ? null : new LoraTensors(model, lora, options.Seed, backend.Handle);
        var dropoutSites = lora is { Dropout: > 0 } ? GraphInputs.SitesFor(config, lora.Targets) : null;
        using var inputs = new GraphInputs(rows, length, config.VocabularySize, lossRows, backend.Handle, lora?.Dropout ?? 0, dropoutSites);
        using var engine = new TrainingEngine(backend, model, adapter, inputs, new AdamWSettings(options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay, options.MaxGradNorm));
        using var evaluator = validationBatches.Count > 0 || options.VerifyExport ? new Evaluator(backend, model, adapter, rows, length) : null;

        var identity = new RunIdentity(mode, options.Fingerprint(), data.TrainHash, data.ValidationHash, baseHash, ggmlBuild);
        var optionsJson = JsonSerializer.Serialize(options, RunRecord.JsonOptions);
        var checkpoints = new CheckpointDirectory(job.ResolvedCheckpointDirectory, options.KeepCheckpoints);
        var record = new RunRecord
        {
            Mode = mode, BaseModel = basePath, BaseModelSha256 = baseHash, Output = outputPath, OutputIsAdapter = lora is { Merge: false },
            Options = options, OptionsFingerprint = identity.OptionsFingerprint, TrainingExamples = data.Train.Count, ValidationExamples = data.Validation.Count,
            TrainDataSha256 = data.TrainHash, ValidationDataSha256 = data.ValidationHash, TrainedTokensPerEpoch = data.Train.Sum(e => (long)e.LossPositions),
            Parameters = config.ParameterCount, TrainableParameters = engine.TrainableParameters, GgmlBuild = ggmlBuild, Threads = threads, Started = time.GetUtcNow(),
        };

        // 6. Resume: load trainables, moments and step from a checkpoint of this very run
        var startStep = 0;
        if (job.ResumeFrom is { } resume)
        {
            var checkpoint = resume == "latest"
                ? checkpoints.Latest() ?? throw new TrainingException($"no checkpoint to resume from in {checkpoints.Path}", isInputError: true)
                : Path.GetFullPath(resume);
            startStep = (int)CheckpointFile.Load(checkpoint, engine, identity);
            record = Continue(record, RunRecord.TryLoad(job.ResolvedRunRecordPath), startStep);
            record.ResumedFrom.Add(checkpoint);
        }

        report(new TrainingStarted(mode, config.ParameterCount, engine.TrainableParameters, data.Train.Count, data.Validation.Count,
            record.TrainedTokensPerEpoch, plan.FirstEpochMicroBatches, startStep, options.Steps, threads, ggmlBuild));

        // 7. Train: accumulate micro-batches, step, validate, checkpoint; stop cleanly at a step boundary when cancelled
        var schedule = options.LearningRateSchedule;
        var meter = new ThroughputMeter();
        var tuner = new ThreadTuner(backend, options.Threads, threads);
        string? lastCheckpoint = record.Checkpoints.LastOrDefault()?.Path;
        double lastLoss = record.Steps.LastOrDefault()?.Loss ?? double.NaN;
        for (var step = startStep + 1; step <= options.Steps; step++)
        {
            // 7a. forward + backward over the window's micro-batches; gradients add up in our accumulators
            tuner.BeforeStep(step);
            var stepClock = Stopwatch.StartNew();
            engine.ZeroGradients();
            double nll = 0;
            var tokens = 0;
            var cancelled = false;
            for (var j = 0; j < accumulation && !cancelled; j++)
            {
                var k = (long)(step - 1) * accumulation + j;
                var batch = plan.Get(k);
                var dropout = dropoutSites is null ? null : TrainingRandom.For(options.Seed, DropoutPurpose, k);
                var sum = engine.Accumulate(batch, dropout);
                cancelled = sum is null;
                nll += sum ?? 0;
                tokens += batch.TrainedTokens;
            }

            if (cancelled)
            {
                break; // the partial gradients are discarded; weights, moments and step are those of the last full step
            }

            // 7b. clip and AdamW at this step's learning rate
            var learningRate = schedule.At(step);
            var outcome = engine.ApplyStep(tokens, learningRate);
            tuner.AfterStep(step, stepClock.Elapsed.TotalSeconds);
            meter.Add((long)rows * length * accumulation);
            lastLoss = tokens > 0 ? nll / tokens : double.NaN;
            var stepEvent = new TrainingStepCompleted(step, options.Steps, lastLoss, learningRate, outcome.GradientNorm, outcome.ClipScale < 1,
                outcome.Skipped, tokens, meter.TokensPerSecond, clock.Elapsed.TotalSeconds, meter.SecondsPerStep * (options.Steps - step), backend.Threads);
            record.Steps.Add(stepEvent);
            report(stepEvent);

            // 7c. validation every N steps
            if (options.ValidationEvery > 0 && step % options.ValidationEvery == 0 && step < options.Steps && Validate(evaluator, validationBatches, step) is { } validation)
            {
                record.Validations.Add(validation);
                report(validation);
            }

            // 7d. checkpoint every N steps
            if (options.CheckpointEvery > 0 && step % options.CheckpointEvery == 0 && step < options.Steps)
            {
                lastCheckpoint = SaveCheckpoint(checkpoints, engine, identity, optionsJson, record, report);
            }

            if (backend.CancelRequested)
            {
                break;
            }
        }

        if (backend.CancelRequested)
        {
            var step = (int)engine.Step;
            if (step > startStep)
            {
                lastCheckpoint = SaveCheckpoint(checkpoints, engine, identity, optionsJson, record, report);
            }

            record.Status = "cancelled";
            record.Finished = time.GetUtcNow();
            record.Save(job.ResolvedRunRecordPath);
            report(new TrainingCancelled(step, lastCheckpoint));
            throw new TrainingCancelledException(step, lastCheckpoint, cancellationToken);
        }

        // 8. Final validation, then export: the merged model or the adapter, with lineage
        double? validationLoss = null;
        if (Validate(evaluator, validationBatches, options.Steps) is { } final)
        {
            validationLoss = final.Loss;
            record.Validations.Add(final);
            report(final);
        }

        var lineage = Lineage(identity, options, data, optionsJson);
        var name = job.ModelName ?? Path.GetFileNameWithoutExtension(outputPath);
        if (adapter is null)
        {
            ModelExport.WriteModel(outputPath, baseMetadata, model.Download(), name, options.OutputType, lineage);
        }
        else if (lora!.Merge)
        {
            ModelExport.WriteModel(outputPath, baseMetadata, ModelExport.Merge(weights, adapter.Download(), lora.Alpha), name, options.OutputType, lineage);
        }
        else
        {
            LoraAdapterFile.Write(outputPath, adapter.Download(), lora.Alpha, name, LlamaTensorNames.Architecture, lineage);
        }

        // 9. Verify: llama.cpp loads what was written and computes the trained graph's logits
        if (options.VerifyExport)
        {
            var verified = Verify(evaluator!, data, basePath, outputPath, record.OutputIsAdapter, options, paddingId, threads);
            record.Verification = verified;
            report(verified);
        }

        // 10. Record the run
        record.Status = "completed";
        record.Finished = time.GetUtcNow();
        record.Save(job.ResolvedRunRecordPath);
        var result = new TrainingResult(outputPath, record.OutputIsAdapter, Path.GetFullPath(job.ResolvedRunRecordPath), (int)engine.Step, lastLoss, validationLoss, lastCheckpoint);
        report(new TrainingCompleted(result));
        return result;
    }

    private static (GgufMetadata Metadata, LlamaModelWeights Weights, LlamaVocabulary Vocabulary) LoadBase(string path)
    {
        try
        {
            GgufMetadata metadata;
            using (var file = GgufFile.Open(path))
            {
                metadata = file.Metadata;
                var unsupported = file.Tensors.FirstOrDefault(t => t.Type is not (GgmlType.F32 or GgmlType.F16 or GgmlType.BF16));
                if (unsupported is not null)
                {
                    throw new TrainingException($"{path}: tensor '{unsupported.Name}' is {GgmlTypeTraits.Name(unsupported.Type)}; the trainer reads f32, f16 and bf16 models only (quantized bases are not supported)", isInputError: true);
                }
            }

            return (metadata, LlamaModelWeights.Load(path), LlamaVocabulary.FromGguf(metadata));
        }
        catch (Exception ex) when (ex is GgufFormatException or NotSupportedException or KeyNotFoundException or ArgumentException or IOException)
        {
            throw new TrainingException($"{path}: {ex.Message}", isInputError: true, ex);
        }
    }

    /// <summary>N, or the most trained positions of any micro-batch rounded up to 8 when that saves a quarter of the LM head.</summary>
    private static int LossRows(int maxTrained, int n)
    {
        var k = Math.Max(8, (maxTrained + 7) / 8 * 8);
        return k <= n * 3 / 4 ? k : n;
    }

    private static ValidationCompleted? Validate(Evaluator? evaluator, List<PackedBatch> batches, int step)
    {
        if (evaluator is null || batches.Count == 0)
        {
            return null;
        }

        double nll = 0;
        long tokens = 0;
        foreach (var batch in batches)
        {
            if (evaluator.NllSum(batch) is not { } sum)
            {
                return null; // cancelled: the loop stops at this step anyway
            }

            nll += sum;
            tokens += batch.TrainedTokens;
        }

        var loss = tokens > 0 ? nll / tokens : double.NaN;
        return new ValidationCompleted(step, loss, Math.Exp(loss), tokens);
    }

    private static string SaveCheckpoint(CheckpointDirectory checkpoints, TrainingEngine engine, RunIdentity identity, string optionsJson, RunRecord record, Action<TrainingEvent> report)
    {
        var path = checkpoints.FileFor(engine.Step);
        CheckpointFile.Write(path, engine, identity, optionsJson);
        checkpoints.Prune();
        var saved = new CheckpointSaved((int)engine.Step, path);
        record.Checkpoints.Add(saved);
        report(saved);
        return path;
    }

    private static ExportVerified Verify(Evaluator evaluator, TrainingDataset data, string basePath, string outputPath, bool isAdapter, TrainingOptions options, int paddingId, int threads)
    {
        // the first training example, alone in row 0 of a batch
        var sample = data.Train[0];
        var batch = PackedBatch.Pack([[sample]], options.BatchSize, options.SequenceLength, paddingId);
        var ours = evaluator.Logits(batch);
        using var cpp = new LlamaCppLogits(isAdapter ? basePath : outputPath, isAdapter ? outputPath : null, options.SequenceLength, threads);
        var theirs = cpp.Logits(sample.Tokens);
        var vocabulary = theirs[0].Length;
        double worst = 0;
        var agree = 0;
        for (var i = 0; i < sample.Tokens.Length; i++)
        {
            var row = ours.AsSpan(i * vocabulary, vocabulary);
            double maxDiff = 0, scale = 0;
            for (var v = 0; v < vocabulary; v++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(row[v] - theirs[i][v]));
                scale = Math.Max(scale, Math.Abs(theirs[i][v]));
            }

            worst = Math.Max(worst, maxDiff / Math.Max(1, scale));
            agree += ArgMax(row) == ArgMax(theirs[i]) ? 1 : 0;
        }

        // F32 files match to ~1e-6; F16 storage rounds every weight, so only a gross disagreement is an error there
        var tolerance = options.OutputType == GgmlType.F16 && !isAdapter ? 5e-2 : 1e-3;
        if (worst > tolerance)
        {
            throw new TrainingException(string.Create(CultureInfo.InvariantCulture,
                $"the written model disagrees with the trained graph in llama.cpp: max relative logit difference {worst:E2} > {tolerance:E0} ({outputPath})"));
        }

        return new ExportVerified(worst, sample.Tokens.Length, (double)agree / sample.Tokens.Length);
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return best;
    }

    private static GgufMetadata Lineage(RunIdentity identity, TrainingOptions options, TrainingDataset data, string optionsJson) =>
        new GgufMetadata()
            .Set("tailor.training.mode", GgufValue.String(identity.Mode))
            .Set("tailor.training.base_model_sha256", GgufValue.String(identity.BaseModelHash))
            .Set("tailor.training.train_data_sha256", GgufValue.String(data.TrainHash))
            .Set("tailor.training.validation_data_sha256", GgufValue.String(data.ValidationHash))
            .Set("tailor.training.steps", GgufValue.UInt32((uint)options.Steps))
            .Set("tailor.training.options_fingerprint", GgufValue.String(identity.OptionsFingerprint))
            .Set("tailor.training.options", GgufValue.String(optionsJson))
            .Set("tailor.training.ggml_build", GgufValue.String(identity.GgmlBuild));

    /// <summary>A resumed run continues the record of the run it resumes, up to the checkpoint's step.</summary>
    private static RunRecord Continue(RunRecord fresh, RunRecord? previous, int startStep)
    {
        if (previous is null || previous.OptionsFingerprint != fresh.OptionsFingerprint || previous.TrainDataSha256 != fresh.TrainDataSha256)
        {
            return fresh;
        }

        fresh.Started = previous.Started;
        fresh.ResumedFrom.AddRange(previous.ResumedFrom);
        fresh.Steps.AddRange(previous.Steps.Where(s => s.Step <= startStep));
        fresh.Validations.AddRange(previous.Validations.Where(v => v.Step <= startStep));
        fresh.Checkpoints.AddRange(previous.Checkpoints.Where(c => c.Step <= startStep && File.Exists(c.Path)));
        return fresh;
    }

    private static string Sha256OfFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Tokens per second over the last steps (a moving window, robust to a slow first step).</summary>
    private sealed class ThroughputMeter
    {
        private const int Window = 10;
        private readonly Queue<(long Ticks, long Tokens)> _samples = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public double TokensPerSecond { get; private set; }

        public double SecondsPerStep { get; private set; }

        public void Add(long tokens)
        {
            _samples.Enqueue((_clock.ElapsedTicks, tokens));
            if (_samples.Count > Window + 1)
            {
                _samples.Dequeue();
            }

            var first = _samples.Peek();
            var seconds = (double)(_clock.ElapsedTicks - first.Ticks) / Stopwatch.Frequency;
            var count = _samples.Count - 1;
            if (count == 0)
            {
                seconds = _clock.Elapsed.TotalSeconds;
                count = 1;
            }

            TokensPerSecond = seconds > 0 ? _samples.Skip(_samples.Count > 1 ? 1 : 0).Sum(s => s.Tokens) / seconds : 0;
            SecondsPerStep = seconds / count;
        }
    }
}
