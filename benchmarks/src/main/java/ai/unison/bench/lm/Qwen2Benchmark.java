package ai.unison.bench.lm;

import ai.unison.bench.TokenCounter;

import ai.unison.bench.BenchPaths;
import ai.unison.lm.BatchGenerator;
import ai.unison.lm.GenerationOptions;
import ai.unison.lm.KVCache;
import ai.unison.lm.Qwen2;
import ai.unison.lm.Qwen2Config;
import ai.unison.lm.RandomQwen2;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Threads;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Qwen2 prefill and decode throughput (the {@code tokens} counter, tokens/s) for the {@code qwen2-tiny}
 * fixture model and a random model with the Qwen2.5-0.5B shape, in float32 and bfloat16.
 *
 * <ul>
 *   <li>{@code prefill}: one forward over {@code batch} fresh prompts of {@value #PROMPT} tokens each.</li>
 *   <li>{@code decode}: one {@link BatchGenerator#step} of continuous batching with {@code batch} slots kept
 *       full: sequences of different lengths decode together, finished ones leave and new ones (prompts of
 *       {@value #DECODE_PROMPT} tokens) join, so their prefill is part of the cost.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 4)
@Measurement(iterations = 3, time = 4)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class Qwen2Benchmark {
    static final int PROMPT = 32;
    static final int DECODE_PROMPT = 16;
    static final int CONTEXT = 256;

    @Param({"tiny", "qwen2.5-0.5b"})
    public String model;

    @Param({"float32", "bfloat16"})
    public String dtype;

    @Param({"1", "4", "16"})
    public int batch;

    /** Intra-op threads (libtorch and OpenBLAS). */
    @Param({"1"})
    public int threads;

    private Qwen2 lm;
    private KVCache prefillCache;
    private BatchGenerator generator;
    private long requests;
    private long[] prompts;

    @Setup(Level.Trial)
    public void load() {
        Torch.load(); // first, so that it sets the OpenMP wait policy before libtorch loads
        Threads.set(threads);
        DType type = DType.parse(dtype);
        Device cpu = new Device("cpu");
        lm = model.equals("tiny") ? Qwen2.load(BenchPaths.fixtures().resolve("qwen2-tiny"), type, cpu)
                : RandomQwen2.create(Qwen2Config.qwen25HalfB(), type, cpu, 1, 0.02);
        prefillCache = lm.newCache(batch, PROMPT);
        prompts = new long[batch * PROMPT];
        for (int i = 0; i < prompts.length; i++) {
            prompts[i] = (i * 7919L) % lm.vocabSize();
        }
        generator = new BatchGenerator(lm, batch, CONTEXT);
        while (generator.activeCount() < batch) {
            topUp();
            generator.step();
        }
    }

    /** Keeps one request waiting, so a freed slot is taken at the next step. */
    private void topUp() {
        while (generator.waitingCount() < 1) {
            long k = requests++;
            long[] prompt = new long[DECODE_PROMPT];
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = (k * 31 + i * 7) % lm.vocabSize();
            }
            // lengths 64..223 new tokens: sequences finish at different steps
            generator.submit(prompt, GenerationOptions.greedy(64 + (int) ((k * 53) % 160)));
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        generator.close();
        prefillCache.close();
        lm.close();
    }

    @Benchmark
    public void prefill(TokenCounter t) {
        int[] slots = new int[batch];
        int[] counts = new int[batch];
        for (int i = 0; i < batch; i++) {
            slots[i] = prefillCache.acquire();
            counts[i] = PROMPT;
        }
        try (NativeScope scope = NativeScope.open()) {
            KVCache.Step step = prefillCache.step(slots, counts);
            lm.stepLogits(Torch.fromLongs(prompts, 1, prompts.length), step);
            step.commit();
        } finally {
            for (int s : slots) {
                prefillCache.release(s);
            }
        }
        t.tokens += (long) batch * PROMPT;
    }

    @Benchmark
    public void decode(TokenCounter t) {
        topUp();
        generator.step();
        t.tokens += generator.activeCount();
    }
}
