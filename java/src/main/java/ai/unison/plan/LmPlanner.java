package ai.unison.plan;

import ai.unison.api.Plan;
import ai.unison.api.PlanException;
import ai.unison.io.ConfigException;
import ai.unison.io.Json;
import ai.unison.lm.BatchGenerator;
import ai.unison.lm.CausalLM;
import ai.unison.lm.Generation;
import ai.unison.lm.GenerationOptions;
import ai.unison.lm.LogitsProcessor;
import ai.unison.lm.Multimodal;
import ai.unison.lm.Qwen2;
import ai.unison.lm.Qwen2_5_VL;
import ai.unison.vision.Qwen2VLImageProcessor;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import ai.unison.text.ChatTemplate;
import ai.unison.text.Tokenizer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Plans prepared requests ({@link RequestText#prepare}) with a language model: a Qwen2 decoder (the
 * tiny planner this project trains) or Qwen2.5-VL (a Unison planner with merged LoRA), plus its
 * tokenizer, whose added tokens give the fourteen signal ids.
 *
 * <p>Each request becomes the ChatML prompt {@link #prompt}; all requests of a call decode together
 * with greedy continuous batching ({@link BatchGenerator}), constrained by {@link SignalConstraint}
 * so that every output is a well-formed plan or plain answer text. Generation stops at
 * {@code <|im_end|>} / {@code <|endoftext|>}; the text is parsed with {@link SignalGrammar#toPlan}.
 * In plan mode ({@code answers = false}) an output that starts as plain text is an understanding
 * request and stops after that first token: the plan carries no answer.
 *
 * <p>Attachments are never opened: the model sees {@code <IMGPAD>} / {@code <VIDPAD>} in the text.
 * Not thread-safe; all calls run on the thread that owns the model.
 */
public final class LmPlanner implements AutoCloseable {

    /** The planner's system prompt; the prompt format is {@link #prompt}. */
    public static final String SYSTEM_PROMPT = "Plan.";

    /** Tokens that end generation, when the tokenizer has them. */
    public static final List<String> END_TOKENS = List.of(ChatTemplate.IM_END, "<|endoftext|>");

    /** One request's outcome: the raw output and its plan, or the error that kept it from one. */
    public record Planned(String output, Plan plan, String error) {
        public boolean ok() {
            return plan != null;
        }
    }

    private final CausalLM model;
    private final Tokenizer tokenizer;
    private final PlanLimits limits;
    private final int maxBatch;
    private final int maxLength;
    private final int maxNewTokens;
    private final String[] pieces;
    private final Set<Long> endIds;
    private final BitSet signalIds = new BitSet();
    private final BitSet endSet = new BitSet();
    private final SignalConstraint constraint;
    private final boolean owns;
    private Qwen2VLImageProcessor processor;

    /**
     * A planner over a loaded model and tokenizer; when {@code owns} is true, {@link #close} closes both.
     *
     * @param maxBatch     requests decoded together (KV-cache slots)
     * @param maxLength    context per request: prompt plus output
     * @param maxNewTokens longest output (plan or answer)
     */
    public LmPlanner(CausalLM model, Tokenizer tokenizer, PlanLimits limits, int maxBatch, int maxLength, int maxNewTokens,
                     boolean owns) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.limits = limits;
        this.maxBatch = maxBatch;
        this.maxLength = Math.min(maxLength, model.maxPositions());
        this.maxNewTokens = maxNewTokens;
        this.owns = owns;
        Map<String, Integer> added = tokenizer.addedTokens();
        Map<String, Integer> signals = new HashMap<>();
        for (String token : SignalGrammar.TOKENS) {
            Integer id = added.get(token);
            if (id == null) {
                throw new ConfigException(tokenizer.file(), "the planner's tokenizer lacks the signal token " + token
                        + " among its added tokens");
            }
            signals.put(token, id);
        }
        endIds = new LinkedHashSet<>();
        for (String t : END_TOKENS) {
            tokenizer.tokenId(t).ifPresent(id -> endIds.add(id.longValue()));
        }
        tokenizer.eosToken().flatMap(tokenizer::tokenId).ifPresent(id -> endIds.add(id.longValue()));
        if (endIds.isEmpty()) {
            throw new ConfigException(tokenizer.file(), "the planner's tokenizer has none of " + END_TOKENS);
        }
        Map<Integer, String> signalText = new HashMap<>();
        signals.forEach((t, id) -> signalText.put(id, t));
        Set<Integer> control = new LinkedHashSet<>(added.values());
        control.removeAll(signals.values());
        int vocab = model.vocabSize();
        int known = tokenizer.size();
        pieces = new String[vocab];
        List<String> list = new ArrayList<>(vocab);
        for (int id = 0; id < vocab; id++) {
            String piece = null;
            if (signalText.containsKey(id)) {
                piece = signalText.get(id);
            } else if (id < known && !control.contains(id)) {
                String text = tokenizer.decode(new long[] {id}, false);
                // pieces that are only part of a character cannot be concatenated back: never generate them
                piece = text.isEmpty() || text.indexOf('\uFFFD') >= 0 ? null : text;
            } else if (endIds.contains((long) id)) {
                piece = "";
            }
            pieces[id] = piece;
            list.add(control.contains(id) || endIds.contains((long) id) ? null : piece);
        }
        List<Integer> eos = endIds.stream().map(Long::intValue).filter(i -> i < vocab).toList();
        signals.values().forEach(signalIds::set);
        eos.forEach(endSet::set);
        constraint = new SignalConstraint(list, signals, eos, limits);
    }

    /**
     * Loads a planner folder: {@code config.json} (Qwen2, or Qwen2.5-VL when it has a {@code vision_config}),
     * safetensors and {@code tokenizer.json}.
     */
    public static LmPlanner open(Path dir, DType dtype, Device device, int maxBatch) {
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new ConfigException(dir.resolve("config.json"), "no planner model here (config.json not found);"
                    + " train one with './unison train planner' or pass --planner DIR");
        }
        Tokenizer tokenizer = Tokenizer.load(dir);
        CausalLM model = null;
        try {
            boolean vl = Json.readTree(dir.resolve("config.json")).has("vision_config");
            model = vl ? Qwen2_5_VL.load(dir, dtype, device) : Qwen2.load(dir, dtype, device);
            LmPlanner planner = new LmPlanner(model, tokenizer, PlanLimits.DEFAULTS, maxBatch, 1024, 96, true);
            if (vl && Files.isRegularFile(dir.resolve("preprocessor_config.json"))) {
                planner.withVision(Qwen2VLImageProcessor.load(dir));
            }
            return planner;
        } catch (RuntimeException e) {
            if (model != null) {
                model.close();
            }
            tokenizer.close();
            throw e;
        }
    }

    /** The ChatML prompt for a prepared request's text. */
    public static String prompt(String requestText) {
        return ChatTemplate.render(List.of(ChatTemplate.Message.system(SYSTEM_PROMPT),
                ChatTemplate.Message.user(requestText)), true);
    }

    /** Lets a Qwen2.5-VL planner answer understanding requests looking at their attachments. */
    public LmPlanner withVision(Qwen2VLImageProcessor processor) {
        if (!(model instanceof Qwen2_5_VL)) {
            throw new IllegalStateException("only a Qwen2.5-VL planner can look at images; this one is " + model);
        }
        this.processor = processor;
        return this;
    }

    /** Whether understanding answers can look at the attachments ({@link #answerWithVision}). */
    public boolean seesImages() {
        return processor != null;
    }

    /**
     * The answer to an understanding request from the vision-language model given its attachments'
     * contents (greedy, at most the planner's output length). Runs on the planner's thread.
     */
    public String answerWithVision(RequestText.Prepared request, List<ai.unison.api.Input> inputs) {
        if (processor == null) {
            throw new IllegalStateException("this planner has no vision processor");
        }
        return VisionAnswer.answer((Qwen2_5_VL) model, tokenizer, processor, request, inputs, maxNewTokens, endIds);
    }

    /** The width of {@link #hiddenStates}, 0 when the model has none. */
    public int hiddenSize() {
        return model.hiddenSize();
    }

    /**
     * Unison's conditioning for the generation expert: the model's last hidden states [1, S, hidden]
     * over the planning prompt of {@code request} followed by the planner's output {@code output}.
     */
    public Tensor hiddenStates(RequestText.Prepared request, String output) {
        long[] prompt = tokenizer.encode(prompt(request.text()));
        long[] out = tokenizer.encode(output);
        long[] ids = Arrays.copyOf(prompt, prompt.length + out.length);
        System.arraycopy(out, 0, ids, prompt.length, out.length);
        return model.lastHiddenStates(ids);
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The constraint over this planner's vocabulary. */
    public SignalConstraint constraint() {
        return constraint;
    }

    /** Plans one request, or throws {@link PlanException}. */
    public Plan plan(RequestText.Prepared request) {
        Planned p = plan(List.of(request), false).get(0);
        if (!p.ok()) {
            throw new PlanException(p.error());
        }
        return p.plan();
    }

    /**
     * Plans every request, decoding them together; results in request order. A request that fails
     * (prompt too long, output that does not fit its attachments or the limits) gets an error alone.
     *
     * @param answers whether understanding requests generate their whole answer (else they stop after one token)
     */
    public List<Planned> plan(List<RequestText.Prepared> requests, boolean answers) {
        List<CompletableFuture<Planned>> futures = new ArrayList<>(requests.size());
        try (Session session = session(Math.max(1, Math.min(maxBatch, requests.size())))) {
            for (RequestText.Prepared r : requests) {
                futures.add(session.submit(r, answers));
            }
            while (session.hasWork()) {
                session.step();
            }
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    /** A continuous-batching session over this planner with up to {@code slots} requests decoding at once. */
    public Session session(int slots) {
        return new Session(slots);
    }

    /**
     * Requests join a session at any time and are decoded together, one {@link #step} at a time; each
     * future completes with its {@link Planned} (never exceptionally) as soon as its output ends.
     */
    public final class Session implements AutoCloseable {
        private final BatchGenerator generator;

        private Session(int slots) {
            generator = new BatchGenerator(model, slots, maxLength, LmPlanner.this::text);
        }

        public CompletableFuture<Planned> submit(RequestText.Prepared r, boolean answers) {
            try {
                long[] ids = tokenizer.encode(prompt(r.text()));
                GenerationOptions options = GenerationOptions.builder().maxNewTokens(maxNewTokens)
                        .stopTokenIds(endIds).logitsProcessor(new Constrained(ids.length, r.attachments().size(), answers))
                        .build();
                return generator.submit(ids, options).handle((g, e) -> finish(r, g, e, answers));
            } catch (RuntimeException e) {
                return CompletableFuture.completedFuture(new Planned(null, null, String.valueOf(e.getMessage())));
            }
        }

        /**
         * Answers an understanding request looking at its attachments (a planner that
         * {@link #seesImages}): greedy free text, decoded together with everything else in the session.
         * The future completes with the answer (special tokens removed, trimmed), or exceptionally with
         * what kept it from one.
         */
        public CompletableFuture<String> submitVision(RequestText.Prepared r, List<ai.unison.api.Input> inputs) {
            if (processor == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("this planner has no vision processor"));
            }
            Multimodal mm;
            long[] ids;
            try (NativeScope scope = NativeScope.open()) {
                Qwen2_5_VL vl = (Qwen2_5_VL) model;
                VisionAnswer.VisionPrompt p = VisionAnswer.prompt(vl.config(), tokenizer, processor, r, inputs, null);
                ids = p.ids();
                Multimodal made = vl.multimodal(ids, p.vision());
                mm = new Multimodal(NativeScope.own(made.embeds()), NativeScope.own(made.positions()), made.delta());
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            GenerationOptions options = GenerationOptions.builder().maxNewTokens(maxNewTokens).stopTokenIds(endIds).build();
            Multimodal owned = mm;
            CompletableFuture<ai.unison.lm.Generation> generation = generator.submit(ids, owned, options);
            generation.whenComplete((g, e) -> {
                owned.embeds().close();
                owned.positions().close();
            });
            CompletableFuture<String> answer = generation.thenApply(g -> {
                long[] out = g.tokens();
                int n = out.length;
                while (n > 0 && endIds.contains(out[n - 1])) {
                    n--;
                }
                return tokenizer.decode(Arrays.copyOf(out, n), true).strip();
            });
            answer.whenComplete((v, e) -> {
                if (answer.isCancelled()) {
                    generation.cancel(false);
                }
            });
            return answer;
        }

        public boolean hasWork() {
            return generator.hasWork();
        }

        public void step() {
            generator.step();
        }

        @Override
        public void close() {
            generator.close();
        }
    }

    private Planned finish(RequestText.Prepared r, Generation g, Throwable error, boolean answers) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            return new Planned(null, null, String.valueOf(cause.getMessage()));
        }
        String output = g.text();
        if (g.reason() != Generation.FinishReason.STOP_TOKEN) {
            return new Planned(output, null, "the planner's output was cut off (" + g.reason() + ") after "
                    + g.tokens().length + " tokens: '" + output + "'");
        }
        try {
            Plan plan = SignalGrammar.toPlan(output, r.attachments(), r.prompt());
            if (!answers && plan.answer() != null) {
                plan = new Plan(plan.task(), "", null, null, null, null, null, null, false, false, plan.attachments(),
                        plan.prompt(), null);
            }
            limits.validate(plan);
            return new Planned(output, plan, null);
        } catch (PlanException e) {
            return new Planned(output, null, e.getMessage());
        }
    }

    /**
     * Scores this planner on a {@link PlannerEval} JSONL file, decoding all its requests in one batch
     * (understanding answers in full).
     */
    public PlannerEval.Report evaluate(Path jsonl) {
        List<String> keys = new ArrayList<>();
        List<RequestText.Prepared> prepared = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(jsonl, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = Json.MAPPER.readTree(line);
                List<String> attachments = new ArrayList<>();
                node.path("attachments").forEach(a -> attachments.add(a.asText()));
                String request = node.path("request").asText();
                keys.add(key(request, attachments));
                prepared.add(RequestText.prepare(request, attachments, limits));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jsonl, e);
        }
        List<Planned> planned = plan(prepared, true);
        Map<String, String> outputs = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            String output = planned.get(i).output();
            outputs.put(keys.get(i), output == null ? "" : output);
        }
        return PlannerEval.evaluate(jsonl, (request, attachments) -> outputs.get(key(request, attachments)));
    }

    private static String key(String request, List<String> attachments) {
        return request + '\u0000' + String.join("\u0000", attachments);
    }

    /** Generated ids → text: the pieces, without end tokens. */
    private String text(long[] ids) {
        StringBuilder b = new StringBuilder();
        for (long id : ids) {
            if (!endIds.contains(id) && id >= 0 && id < pieces.length && pieces[(int) id] != null) {
                b.append(pieces[(int) id]);
            }
        }
        return b.toString();
    }

    /** One request's grammar mask: advances its decoder over the tokens generated since the last call. */
    private final class Constrained implements LogitsProcessor {
        private final int promptLength;
        private final boolean answers;
        private final SignalConstraint.Decoder decoder;
        private int seen;

        Constrained(int promptLength, int attachments, boolean answers) {
            this.promptLength = promptLength;
            this.answers = answers;
            this.decoder = constraint.start(attachments);
            this.seen = promptLength;
        }

        @Override
        public Tensor process(long[] tokens, Tensor logits) {
            for (; seen < tokens.length; seen++) {
                decoder.advance((int) tokens[seen]);
            }
            BitSet allowed = decoder.allowed();
            if (!answers && tokens.length == promptLength + 1 && !signalIds.get((int) tokens[promptLength])) {
                allowed = endSet;
            }
            float[] values = Torch.toFloats(logits);
            for (int id = allowed.nextClearBit(0); id < values.length; id = allowed.nextClearBit(id + 1)) {
                values[id] = Float.NEGATIVE_INFINITY;
            }
            return Torch.fromFloats(values, values.length);
        }
    }

    @Override
    public void close() {
        if (owns) {
            model.close();
            tokenizer.close();
        }
    }

    @Override
    public String toString() {
        return "LmPlanner" + Arrays.asList(model.getClass().getSimpleName(), maxBatch, maxLength);
    }
}
