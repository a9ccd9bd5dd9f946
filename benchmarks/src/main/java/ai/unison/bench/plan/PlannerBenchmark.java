package ai.unison.bench.plan;

import ai.unison.bench.TokenCounter;

import ai.unison.lm.BatchGenerator;
import ai.unison.lm.Generation;
import ai.unison.lm.GenerationOptions;
import ai.unison.lm.Qwen2;
import ai.unison.plan.LmPlanner;
import ai.unison.plan.PlanLimits;
import ai.unison.plan.PlanningData;
import ai.unison.plan.RequestText;
import ai.unison.runtime.DType;
import ai.unison.runtime.Threads;
import ai.unison.runtime.Torch;
import ai.unison.text.Tokenizer;
import org.bytedeco.pytorch.Device;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Planning with the shipped tiny planner ({@code models/planner-tiny}, float32, CPU) on a fixed set of
 * {@value #REQUESTS} requests from {@link PlanningData} (seed 7, all twelve tasks, attachments inline and separate).
 *
 * <ul>
 *   <li>{@code planBatch1}: one request planned alone, start to end (tokenise, prefill, constrained greedy
 *       decode, parse, validate), as {@code unison plan} does per request: milliseconds per request.</li>
 *   <li>{@code planBatch32}: {@value #REQUESTS} requests decoded together in one session of 32 slots
 *       ({@code unison plan --jsonl}): requests per second.</li>
 *   <li>{@code decodeConstrained} / {@code decodeUnconstrained}: one request decoded at batch 1 to its end token
 *       with or without the signal-grammar mask (both generate understanding answers in full); the
 *       {@code tokens} counter gives generated tokens per second, so the difference of the reciprocals is the
 *       constraint's overhead per token.</li>
 *   <li>{@code maskStep}: the constraint's own work for one token, without the model: advance the grammar
 *       automaton, compute the allowed set, and mask a vocabulary-sized logits tensor (as the planner's
 *       logits processor does), replaying the tokens of real signals: tokens per second.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 4)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class PlannerBenchmark {
    static final int REQUESTS = 32;

    /** Intra-op threads (libtorch). */
    @Param({"1"})
    public int threads;

    private Qwen2 model;
    private Tokenizer tokenizer;
    private LmPlanner planner;
    private List<RequestText.Prepared> requests;
    private List<long[]> prompts;
    private Set<Long> endIds;
    private List<int[]> signalTokens;
    private int next;
    private org.bytedeco.pytorch.Tensor logits;

    @Setup(Level.Trial)
    public void load() {
        Torch.load(); // first, so that it sets the OpenMP wait policy before libtorch loads
        Threads.set(threads);
        Path dir = plannerDir();
        tokenizer = Tokenizer.load(dir);
        model = Qwen2.load(dir, DType.FLOAT32, new Device("cpu"));
        planner = new LmPlanner(model, tokenizer, PlanLimits.DEFAULTS, REQUESTS, 1024, 96, false);
        requests = new ArrayList<>();
        prompts = new ArrayList<>();
        signalTokens = new ArrayList<>();
        for (PlanningData.Example e : PlanningData.generate(REQUESTS, 7, null)) {
            RequestText.Prepared p = RequestText.prepare(e.request(), e.attachments());
            requests.add(p);
            prompts.add(tokenizer.encode(LmPlanner.prompt(p.text())));
        }
        logits = Torch.fromFloats(new float[model.vocabSize()], model.vocabSize());
        endIds = Set.of((long) tokenizer.requireTokenId("<|im_end|>"), (long) tokenizer.requireTokenId("<|endoftext|>"));
        for (LmPlanner.Planned planned : planner.plan(requests, true)) {
            String output = planned.output() == null ? "" : planned.output();
            long[] ids = tokenizer.encode(output);
            int[] withEnd = new int[ids.length + 1];
            for (int i = 0; i < ids.length; i++) {
                withEnd[i] = (int) ids[i];
            }
            withEnd[ids.length] = tokenizer.requireTokenId("<|im_end|>");
            signalTokens.add(withEnd);
        }
    }

    /** {@code -Dunison.planner=DIR}, else {@code models/planner-tiny} in this directory or a parent. */
    static Path plannerDir() {
        String p = System.getProperty("unison.planner");
        if (p != null) {
            return Path.of(p);
        }
        for (Path c = Path.of("").toAbsolutePath(); c != null; c = c.getParent()) {
            Path m = c.resolve("models/planner-tiny");
            if (Files.isRegularFile(m.resolve("config.json"))) {
                return m;
            }
        }
        throw new IllegalStateException("models/planner-tiny not found; pass -Dunison.planner=DIR");
    }

    @TearDown(Level.Trial)
    public void close() {
        logits.close();
        planner.close();
        model.close();
        tokenizer.close();
    }

    private int nextIndex() {
        int i = next;
        next = (next + 1) % REQUESTS;
        return i;
    }

    @Benchmark
    public Object planBatch1() {
        return planner.plan(List.of(requests.get(nextIndex())), false);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(REQUESTS)
    public Object planBatch32() {
        return planner.plan(requests, false);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Object decodeConstrained(TokenCounter t) {
        List<LmPlanner.Planned> out = planner.plan(List.of(requests.get(nextIndex())), true);
        String text = out.get(0).output();
        t.tokens += (text == null ? 0 : tokenizer.encode(text).length) + 1;
        return out;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Object decodeUnconstrained(TokenCounter t) {
        Generation g = BatchGenerator.generate(model, prompts.get(nextIndex()),
                GenerationOptions.builder().maxNewTokens(96).stopTokenIds(endIds).build());
        t.tokens += g.tokens().length;
        return g;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Object maskStep(TokenCounter t) {
        int i = nextIndex();
        int[] ids = signalTokens.get(i);
        var decoder = planner.constraint().start(requests.get(i).attachments().size());
        Object last = null;
        for (int id : ids) {
            java.util.BitSet allowed = decoder.allowed();
            try (var scope = ai.unison.runtime.NativeScope.open()) {
                float[] values = Torch.toFloats(logits);
                for (int k = allowed.nextClearBit(0); k < values.length; k = allowed.nextClearBit(k + 1)) {
                    values[k] = Float.NEGATIVE_INFINITY;
                }
                Torch.fromFloats(values, values.length);
                last = values;
            }
            decoder.advance(id);
        }
        t.tokens += ids.length;
        return last;
    }
}
