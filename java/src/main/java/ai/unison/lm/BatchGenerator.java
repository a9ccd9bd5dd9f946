package ai.unison.lm;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * Continuous batching over one {@link CausalLM}: requests are {@link #submit submitted} (from any
 * thread) and every {@link #step} (on the one thread that owns the model) runs a single forward over
 * all active sequences — the prompts of newly admitted ones and one token of every other — then
 * samples each row with its own options and generator. Finished sequences leave and waiting ones
 * take their cache slots between steps; nobody waits for the longest request of a batch.
 *
 * <p>The cache is allocated (and zero-filled) up front for {@code maxBatch} sequences of {@code maxLength}
 * positions: {@code 2 · layers · maxBatch · kvHeads · maxLength · headDim} values in the model's dtype
 * (Qwen2.5-0.5B, 16 × 4096, float32: 1.6 GB), so size {@code maxLength} to the requests, not to the model.
 *
 * <p>A request that cannot run (empty prompt, ids outside the vocabulary, a prompt longer than the
 * context) or whose listener throws completes exceptionally on its own; the others go on.
 * Cancelling a request's future drops it at the next step.
 */
public final class BatchGenerator implements AutoCloseable {
    private final CausalLM model;
    private final KVCache cache;
    private final int maxLength;
    private final Function<long[], String> detokenizer;
    private final Queue<Sequence> waiting = new ConcurrentLinkedQueue<>();
    private final List<Sequence> active = new ArrayList<>();
    private final SplittableRandom seeds = new SplittableRandom();

    /**
     * @param maxBatch    most sequences decoded together (cache slots)
     * @param maxLength   context of each sequence: prompt plus generated tokens, at most the model's
     * @param detokenizer ids → text, for streamed text, {@link Generation#text} and stop strings; may be null
     */
    public BatchGenerator(CausalLM model, int maxBatch, int maxLength, Function<long[], String> detokenizer) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("max batch must be at least 1, got " + maxBatch);
        }
        if (maxLength < 1 || maxLength > model.maxPositions()) {
            throw new IllegalArgumentException("max length must be in [1, " + model.maxPositions()
                    + "] (the model's max_position_embeddings), got " + maxLength);
        }
        this.model = model;
        this.maxLength = maxLength;
        this.detokenizer = detokenizer;
        this.cache = model.newCache(maxBatch, maxLength);
    }

    public BatchGenerator(CausalLM model, int maxBatch, int maxLength) {
        this(model, maxBatch, maxLength, null);
    }

    /** Generates for one prompt alone (greedy ids or seeded samples) and returns the result or throws its error. */
    public static Generation generate(CausalLM model, long[] prompt, GenerationOptions options) {
        int length = (int) Math.min(model.maxPositions(), (long) Math.max(1, prompt.length) + options.maxNewTokens());
        try (BatchGenerator g = new BatchGenerator(model, 1, length)) {
            CompletableFuture<Generation> f = g.submit(prompt, options);
            g.run();
            return f.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    public CompletableFuture<Generation> submit(long[] prompt, GenerationOptions options) {
        return submit(prompt, options, null);
    }

    /** Queues a request; the future completes when it finishes (or fails on its own). */
    public CompletableFuture<Generation> submit(long[] prompt, GenerationOptions options, TokenListener listener) {
        return submit(prompt, null, options, listener);
    }

    /**
     * A request whose prompt carries images or videos: {@code inputs} (from e.g.
     * {@link Qwen2_5_VL#multimodal}) replace the prompt's embeddings and positions in its prefill and
     * shift its later positions; it decodes in the same steps as every other request.
     */
    public CompletableFuture<Generation> submit(long[] prompt, Multimodal inputs, GenerationOptions options) {
        return submit(prompt, inputs, options, null);
    }

    private CompletableFuture<Generation> submit(long[] prompt, Multimodal inputs, GenerationOptions options,
                                                 TokenListener listener) {
        CompletableFuture<Generation> future = new CompletableFuture<>();
        String problem = problem(prompt, options);
        if (problem == null && inputs != null && inputs.length() != prompt.length) {
            problem = "vision inputs cover " + inputs.length() + " tokens but the prompt has " + prompt.length;
        }
        if (problem != null) {
            future.completeExceptionally(new IllegalArgumentException(problem));
            return future;
        }
        long seed;
        synchronized (seeds) {
            seed = options.seed() != null ? options.seed() : seeds.nextLong();
        }
        waiting.add(new Sequence(prompt.clone(), inputs, options, listener, future, seed));
        return future;
    }

    private String problem(long[] prompt, GenerationOptions options) {
        if (options == null) {
            return "generation options are missing";
        }
        if (prompt == null || prompt.length == 0) {
            return "the prompt is empty";
        }
        if (prompt.length > maxLength) {
            return "the prompt of " + prompt.length + " tokens is longer than the context of " + maxLength + " tokens";
        }
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= model.vocabSize()) {
                return "token id " + prompt[i] + " at prompt position " + i + " is outside the vocabulary [0, "
                        + model.vocabSize() + ")";
            }
        }
        if (!options.stopStrings().isEmpty() && detokenizer == null) {
            return "stop strings " + options.stopStrings() + " need a generator with a detokenizer";
        }
        return null;
    }

    public boolean hasWork() {
        return !active.isEmpty() || !waiting.isEmpty();
    }

    public int activeCount() {
        return active.size();
    }

    public int waitingCount() {
        return waiting.size();
    }

    /** Steps until every submitted request has finished. */
    public void run() {
        while (hasWork()) {
            step();
        }
    }

    /** One forward over every active sequence after letting finished ones go and waiting ones in. */
    public void step() {
        active.removeIf(s -> {
            if (s.future.isDone()) {                      // cancelled from outside
                s.free();
                return true;
            }
            return false;
        });
        compact();
        admit();
        if (active.isEmpty()) {
            return;
        }
        int b = active.size();
        int[] slots = new int[b];
        int[] counts = new int[b];
        int n = 0;
        for (int i = 0; i < b; i++) {
            slots[i] = active.get(i).slot;
            counts[i] = active.get(i).input.length;
            n += counts[i];
        }
        long[] ids = new long[n];
        int at = 0;
        for (Sequence s : active) {
            System.arraycopy(s.input, 0, ids, at, s.input.length);
            at += s.input.length;
        }
        Multimodal.Row[] rows = null;
        int offset = 0;
        for (int i = 0; i < b; i++) {
            Sequence s = active.get(i);
            if (s.multimodal != null) {
                if (rows == null) {
                    rows = new Multimodal.Row[b];
                }
                rows[i] = new Multimodal.Row(offset, counts[i], s.multimodal, s.input == s.prompt);
            }
            offset += counts[i];
        }
        try (NativeScope scope = NativeScope.open()) {
            Tensor logits;
            try {
                KVCache.Step step = cache.step(slots, counts);
                Tensor input = Torch.fromLongs(ids, 1, n);
                logits = rows == null ? model.stepLogits(input, step) : model.stepLogits(input, step, rows);
                step.commit();
            } catch (RuntimeException e) {
                for (Sequence s : List.copyOf(active)) {
                    finishExceptionally(s, e);
                }
                return;
            }
            long[] chosen = choose(logits);
            float[] logprobs = logprobs(logits, chosen);
            for (int i = 0; i < b; i++) {
                Sequence s = active.get(i);
                float[] raw = s.options.outputLogits() ? Torch.toFloats(logits.select(0, i)) : null;
                try {
                    s.accept(chosen[i], logprobs == null ? Float.NaN : logprobs[i], raw);
                } catch (RuntimeException e) {
                    s.failure = e;
                }
            }
        }
        for (Sequence s : List.copyOf(active)) {
            if (s.failure != null) {
                finishExceptionally(s, s.failure);
            } else if (s.reason != null) {
                active.remove(s);
                s.free();
                s.future.complete(s.result());
            }
        }
    }

    /** Every row's next token: greedy rows without extras share one argmax, the rest go through {@link Sampler}. */
    private long[] choose(Tensor logits) {
        int b = active.size();
        long[] out = new long[b];
        boolean anyPlain = active.stream().anyMatch(Sequence::plainGreedy);
        long[] argmax = anyPlain ? Torch.toLongs(logits.argmax(new LongOptional(1), false)) : null;
        for (int i = 0; i < b; i++) {
            Sequence s = active.get(i);
            out[i] = s.plainGreedy() ? argmax[i]
                    : Sampler.next(logits.select(0, i), s.history(), s.options, s.rng);
        }
        return out;
    }

    private float[] logprobs(Tensor logits, long[] chosen) {
        if (active.stream().noneMatch(s -> s.options.logprobs())) {
            return null;
        }
        Tensor index = Torch.fromLongs(chosen, chosen.length, 1);
        return Torch.toFloats(logits.log_softmax(1).gather(1, index));
    }

    /** Keeps active sequences in slots 0..n-1, in slot order, so attention reads the cache without copies. */
    private void compact() {
        active.sort(Comparator.comparingInt(s -> s.slot));
        for (int i = 0; i < active.size(); i++) {
            Sequence s = active.get(i);
            if (s.slot != i) {
                cache.move(s.slot, i);
                s.slot = i;
            }
        }
    }

    /** Lets waiting requests in while slots are free and this step's prompt tokens stay within one context. */
    private void admit() {
        int budget = maxLength;
        while (cache.freeSlots() > 0 && !waiting.isEmpty()) {
            Sequence s = waiting.peek();
            if (s.future.isDone()) {
                waiting.poll();
                continue;
            }
            if (s.prompt.length > budget && budget < maxLength) {
                break;
            }
            waiting.poll();
            budget -= s.prompt.length;
            s.start(cache.acquire());
            active.add(s);
        }
    }

    private void finishExceptionally(Sequence s, Throwable e) {
        active.remove(s);
        s.free();
        s.future.completeExceptionally(e);
    }

    /** Fails requests still waiting or running with a {@link CancellationException} and frees the cache. */
    @Override
    public void close() {
        CancellationException closed = new CancellationException("the generator was closed");
        for (Sequence s : List.copyOf(active)) {
            finishExceptionally(s, closed);
        }
        Sequence s;
        while ((s = waiting.poll()) != null) {
            s.future.completeExceptionally(closed);
        }
        cache.close();
    }

    private final class Sequence {
        final long[] prompt;
        final Multimodal multimodal;
        final GenerationOptions options;
        final TokenListener listener;
        final CompletableFuture<Generation> future;
        final long seed;
        final boolean plain;
        int slot = -1;
        Rng rng;
        long[] input;
        long[] tokens;
        int generated;
        float[] logprobs;
        List<float[]> logits;
        String text;
        int emitted;
        Generation.FinishReason reason;
        RuntimeException failure;

        Sequence(long[] prompt, Multimodal multimodal, GenerationOptions options, TokenListener listener,
                 CompletableFuture<Generation> future, long seed) {
            this.prompt = prompt;
            this.multimodal = multimodal;
            this.options = options;
            this.listener = listener;
            this.future = future;
            this.seed = seed;
            this.plain = options.isGreedy() && options.repetitionPenalty() == 1.0 && options.logitsProcessor() == null;
        }

        boolean plainGreedy() {
            return plain;
        }

        void start(int cacheSlot) {
            slot = cacheSlot;
            rng = options.isGreedy() ? null : new Rng(seed);
            input = prompt;
            tokens = new long[Math.min(options.maxNewTokens(), 64)];
            logprobs = options.logprobs() ? new float[tokens.length] : null;
            logits = options.outputLogits() ? new ArrayList<>() : null;
        }

        /** Prompt followed by the tokens generated so far. */
        long[] history() {
            long[] h = Arrays.copyOf(prompt, prompt.length + generated);
            System.arraycopy(tokens, 0, h, prompt.length, generated);
            return h;
        }

        void accept(long token, float logprob, float[] raw) {
            if (generated == tokens.length) {
                tokens = Arrays.copyOf(tokens, Math.min(options.maxNewTokens(), tokens.length * 2));
                if (logprobs != null) {
                    logprobs = Arrays.copyOf(logprobs, tokens.length);
                }
            }
            tokens[generated] = token;
            if (logprobs != null) {
                logprobs[generated] = logprob;
            }
            if (logits != null) {
                logits.add(raw);
            }
            generated++;
            input = new long[]{token};
            boolean textNow = detokenizer != null && (listener != null || !options.stopStrings().isEmpty());
            String full = textNow ? detokenizer.apply(Arrays.copyOf(tokens, generated)) : null;
            int stop = full == null ? -1 : stopAt(full);
            if (options.stopTokenIds().contains(token)) {
                reason = Generation.FinishReason.STOP_TOKEN;
            } else if (stop >= 0) {
                reason = Generation.FinishReason.STOP_STRING;
                full = full.substring(0, stop);
            } else if (generated == options.maxNewTokens()) {
                reason = Generation.FinishReason.MAX_TOKENS;
            } else if (cache.length(slot) == maxLength) {
                reason = Generation.FinishReason.CONTEXT;
            }
            String delta = null;
            if (full != null) {
                text = full;
                // hold back an incomplete character, and text that may turn out to start a stop string
                int stable = reason != null ? full.length() : stableLength(full);
                delta = stable > emitted ? full.substring(emitted, stable) : "";
                emitted = Math.max(emitted, stable);
            }
            if (listener != null) {
                listener.onToken(generated - 1, token, logprob, delta);
            }
        }

        private int stopAt(String full) {
            int best = -1;
            for (String stop : options.stopStrings()) {
                int i = full.indexOf(stop);
                if (i >= 0 && (best < 0 || i < best)) {
                    best = i;
                }
            }
            return best;
        }

        private int stableLength(String full) {
            int end = full.length();
            while (end > 0 && full.charAt(end - 1) == '\uFFFD') {
                end--;
            }
            int hold = 0;
            for (String stop : options.stopStrings()) {
                for (int k = Math.min(stop.length() - 1, end); k > hold; k--) {
                    if (full.startsWith(stop.substring(0, k), end - k)) {
                        hold = k;
                        break;
                    }
                }
            }
            return end - hold;
        }

        Generation result() {
            long[] out = Arrays.copyOf(tokens, generated);
            String finalText = text != null ? text : detokenizer != null ? detokenizer.apply(out) : null;
            return new Generation(out, finalText, reason,
                    logprobs == null ? null : Arrays.copyOf(logprobs, generated),
                    logits == null ? null : logits.toArray(new float[0][]), seed);
        }

        void free() {
            if (slot >= 0) {
                cache.release(slot);
                slot = -1;
            }
            if (rng != null) {
                rng.close();
                rng = null;
            }
        }
    }
}
