package ai.unison.train;

import ai.unison.lm.Qwen2;
import ai.unison.lm.Qwen2Config;
import ai.unison.plan.LmPlanner;
import ai.unison.plan.PlanLimits;
import ai.unison.plan.PlannerEval;
import ai.unison.plan.PlanningData;
import ai.unison.plan.RequestText;
import ai.unison.plan.SignalGrammar;
import ai.unison.runtime.DType;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Threads;
import ai.unison.runtime.Torch;
import ai.unison.text.ByteLevelTokenizer;
import ai.unison.text.BytePairEncoding;
import ai.unison.text.ChatTemplate;
import ai.unison.text.Tokenizer;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains the tiny planner: a byte-level Qwen2 decoder that maps a prepared request (ChatML prompt of
 * {@link LmPlanner#prompt}) to its signal, on {@link PlanningData}'s train-split templates.
 *
 * <p>Targets: the example's signal; an understanding answer that depends on the attachment (the
 * {@link PlanningData#ANSWER_PLACEHOLDER}) becomes the fixed text {@link #ATTACHMENT_ANSWER}, since in
 * plan mode the planner only has to recognise understanding; text-only answers are learnt as
 * generated. The loss covers only the assistant tokens (the target and {@code <|im_end|>}); prompt
 * and padding labels are -100. Each step draws a fresh batch seeded from (seed, step), so runs are
 * deterministic and resume exactly. Periodic evaluation plans held-out-template examples and reports
 * task accuracy and full-plan exact match ({@link PlannerEval}).
 */
public final class PlannerTrainer {

    /** The target of an understanding example whose answer depends on its attachment. */
    public static final String ATTACHMENT_ANSWER = "answer";

    /** Special added tokens, ids 256–263. */
    public static final List<String> SPECIAL = List.of("<|endoftext|>", ChatTemplate.IM_START, ChatTemplate.IM_END,
            "<|vision_start|>", "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>");

    /** Vocabulary: 256 bytes, the special tokens, the fourteen signal tokens. */
    public static final int VOCAB = 256 + SPECIAL.size() + SignalGrammar.TOKENS.size();

    /** Seed of the held-out evaluation examples. */
    static final long EVAL_SEED = 20_250_601L;

    private PlannerTrainer() {}

    /** The tiny planner's architecture: hidden 192, 4 layers, 6 heads (2 KV), MLP 512, tied embeddings, 512 positions. */
    public static Qwen2Config tinyConfig() {
        return tinyConfig(VOCAB);
    }

    /** {@link #tinyConfig()} over a vocabulary of {@code vocab} ids (a BPE tokenizer's size). */
    public static Qwen2Config tinyConfig(int vocab) {
        return Qwen2Config.of(vocab, 192, 512, 4, 6, 2).withTiedEmbeddings(true).withMaxPositions(512);
    }

    /** Writes the planner's byte-level tokenizer (no merges, {@link #VOCAB} ids) into {@code dir}. */
    public static void writeTokenizer(Path dir) {
        writeTokenizer(dir, 0);
    }

    /**
     * The tokenizer of the run in {@code out} ({@code out/tokenizer}): the one already there (a resumed run
     * keeps its own), else a new one with {@code merges} BPE merges ({@link #writeTokenizer(Path, int)}).
     * Returns its vocabulary size.
     */
    public static int runTokenizer(Path out, int merges) {
        return RunTokenizer.of(out, dir -> writeTokenizer(dir, merges));
    }

    /** Examples of the train-split templates the BPE merges are learnt from. */
    static final int BPE_CORPUS = 6000;

    /** Seed of the BPE corpus. */
    static final long BPE_SEED = 20_261_122L;

    /**
     * Writes the planner's tokenizer into {@code dir}: the 256 bytes, the special and signal tokens (ids 256–277,
     * as {@link #writeTokenizer(Path)}), then {@code merges} byte-level BPE merges learnt by {@link BytePairEncoding}
     * from {@value #BPE_CORPUS} planning prompts and targets of the train-split templates (deterministic;
     * digits stay one token each). Returns the vocabulary size.
     */
    public static int writeTokenizer(Path dir, int merges) {
        List<BytePairEncoding.Merge> learnt = List.of();
        if (merges > 0) {
            List<String> added = new ArrayList<>(SPECIAL);
            added.addAll(SignalGrammar.TOKENS);
            List<String> corpus = new ArrayList<>();
            for (PlanningData.Example e : PlanningData.generate(BPE_CORPUS, BPE_SEED, PlanningData.Split.TRAIN)) {
                RequestText.Prepared p = RequestText.prepare(e.request(), e.attachments());
                corpus.add(LmPlanner.prompt(p.text()) + target(e) + ChatTemplate.IM_END);
            }
            learnt = BytePairEncoding.learn(corpus, merges, added);
        }
        ByteLevelTokenizer.write(dir, SPECIAL, SignalGrammar.TOKENS, ChatTemplate.IM_END, "<|endoftext|>", learnt);
        try (Tokenizer t = Tokenizer.load(dir)) {
            return t.size();
        }
    }

    /** What the planner learns to say for an example. */
    public static String target(PlanningData.Example e) {
        return e.signal().equals(PlanningData.ANSWER_PLACEHOLDER) ? ATTACHMENT_ANSWER : e.signal();
    }

    /** Padded batch: ids and attention mask {@code [B, T]}, labels with -100 outside the assistant's tokens. */
    record Batch(Tensor ids, Tensor mask, Tensor labels, int tokens) {}

    static Batch batch(Tokenizer tokenizer, List<PlanningData.Example> examples, int maxLength) {
        long pad = tokenizer.requireTokenId("<|endoftext|>");
        List<long[]> seqs = new ArrayList<>();
        List<Integer> promptLengths = new ArrayList<>();
        int longest = 1;
        for (PlanningData.Example e : examples) {
            RequestText.Prepared p = RequestText.prepare(e.request(), e.attachments());
            long[] prompt = tokenizer.encode(LmPlanner.prompt(p.text()));
            long[] answer = tokenizer.encode(target(e) + ChatTemplate.IM_END);
            long[] all = Arrays.copyOf(prompt, Math.min(maxLength, prompt.length + answer.length));
            for (int i = prompt.length; i < all.length; i++) {
                all[i] = answer[i - prompt.length];
            }
            seqs.add(all);
            promptLengths.add(prompt.length);
            longest = Math.max(longest, all.length);
        }
        int b = seqs.size();
        long[] ids = new long[b * longest];
        long[] mask = new long[b * longest];
        long[] labels = new long[b * longest];
        Arrays.fill(ids, pad);
        Arrays.fill(labels, -100);
        int tokens = 0;
        for (int r = 0; r < b; r++) {
            long[] s = seqs.get(r);
            for (int i = 0; i < s.length; i++) {
                ids[r * longest + i] = s[i];
                mask[r * longest + i] = 1;
                if (i >= promptLengths.get(r)) {
                    labels[r * longest + i] = s[i];
                    tokens++;
                }
            }
        }
        return new Batch(Torch.fromLongs(ids, b, longest), Torch.fromLongs(mask, b, longest),
                Torch.fromLongs(labels, b, longest), tokens);
    }

    /** The mean assistant-token loss of a model on examples. */
    static Tensor loss(Qwen2 model, Tokenizer tokenizer, List<PlanningData.Example> examples) {
        Batch batch = batch(tokenizer, examples, model.maxPositions());
        return Qwen2.causalLmLoss(model.forwardLogits(batch.ids(), batch.mask(), null), batch.labels());
    }

    /**
     * Trains per {@code config} and, when all steps are done, exports the model into {@code export}
     * (safetensors in {@code exportDType}, config.json, tokenizer, MODEL_CARD.md).
     *
     * @param evalEvery steps between evaluations; {@code evalSize} held-out examples each time
     * @param command   the command line, for the model card
     */
    public static TrainResult train(TrainConfig config, Qwen2Config modelConfig, Path export, DType exportDType,
                                    int evalEvery, int evalSize, String command, PrintStream log) {
        return train(config, modelConfig, export, exportDType, evalEvery, evalSize, 0, command, log);
    }

    /**
     * As {@link #train(TrainConfig, Qwen2Config, Path, DType, int, int, String, PrintStream)}, with {@code worldShare}
     * of every batch drawn from shapes-world and ShapesEval-style requests ({@link WorldPlanning#mix}).
     */
    public static TrainResult train(TrainConfig config, Qwen2Config modelConfig, Path export, DType exportDType,
                                    int evalEvery, int evalSize, double worldShare, String command, PrintStream log) {
        Path out = config.out();
        Path tokenizerDir = out.resolve("tokenizer");
        Path heldout = out.resolve("heldout.jsonl");
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out, e);
        }
        runTokenizer(out, 0);
        PlanningData.write(heldout, evalSize, EVAL_SEED, PlanningData.Split.HELDOUT);
        Threads.set(config.threads());
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("hidden_size", modelConfig.hiddenSize());
        info.put("num_hidden_layers", modelConfig.numHiddenLayers());
        info.put("num_attention_heads", modelConfig.numAttentionHeads());
        info.put("num_key_value_heads", modelConfig.kvHeads());
        info.put("intermediate_size", modelConfig.intermediateSize());
        info.put("vocab_size", modelConfig.vocabSize());
        info.put("max_position_embeddings", modelConfig.maxPositions());
        info.put("tie_word_embeddings", modelConfig.tied());
        if (worldShare > 0) {
            info.put("world_share", worldShare);
        }
        try (Tokenizer tokenizer = Tokenizer.load(tokenizerDir); Parameters params = new Parameters();
             Rng init = new Rng(config.seed());
             Qwen2 model = new Qwen2(params.weights(init, ParameterInit.standard(0.02)), modelConfig);
             LmPlanner planner = new LmPlanner(model, tokenizer, PlanLimits.DEFAULTS, 64, modelConfig.maxPositions(), 64,
                     false)) {
            if (tokenizer.size() != modelConfig.vocabSize()) {
                throw new IllegalArgumentException("the model's vocab_size " + modelConfig.vocabSize()
                        + " differs from the tokenizer's " + tokenizer.size() + " ids in " + tokenizerDir);
            }
            TrainResult r = new Trainer(config, params).info(info).log(log)
                    .eval(evalEvery, step -> metrics(planner.evaluate(heldout)))
                    .run((step, rng) -> loss(model, tokenizer, WorldPlanning.mix(config.batch(),
                            Trainer.stepSeed(config.seed(), step), worldShare)));
            if (r.finished() && export != null) {
                export(params, modelConfig, export, exportDType, r, config, command, info, evalSize, tokenizerDir);
            }
            return r;
        }
    }

    /** Copies {@code tokenizer.json} and {@code tokenizer_config.json} from {@code from} into {@code to}. */
    static void copyTokenizer(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            Files.copy(from.resolve(f), to.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Map<String, Double> metrics(PlannerEval.Report report) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("task_accuracy", report.task().accuracy());
        m.put("full_plan", report.fullPlan().accuracy());
        m.put("invalid", (double) report.invalid() / Math.max(1, report.requests()));
        return m;
    }

    private static void export(Parameters params, Qwen2Config modelConfig, Path dir, DType dtype, TrainResult r,
                               TrainConfig config, String command, Map<String, Object> info, int evalSize,
                               Path tokenizerDir) {
        try {
            Files.createDirectories(dir);
            params.save(dir.resolve("model.safetensors"), dtype, Map.of());
            Files.writeString(dir.resolve("config.json"), modelConfig.toJson());
            copyTokenizer(tokenizerDir, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export the planner to " + dir, e);
        }
        List<ModelCard.Quality> quality = new ArrayList<>();
        r.metrics().forEach((k, v) -> quality.add(new ModelCard.Quality(k, String.format(java.util.Locale.ROOT, "%.3f", v),
                "on " + evalSize + " PlanningData examples from held-out templates (seed " + EVAL_SEED + ")")));
        new ModelCard("unison-planner-tiny",
                "A tiny Qwen2 decoder that plans Unison requests: request text with <IMGPAD>/<VIDPAD> in,"
                        + " signal tokens (or plain answer text) out, decoded under the signal grammar.",
                "Qwen2ForCausalLM", info, params.count(), "model.safetensors, " + dtype.name().toLowerCase(java.util.Locale.ROOT),
                "PlanningData train-split templates, a fresh batch of " + config.batch() + " per step",
                command, r.elapsed(), Threads.get() + " CPU thread(s)", config.seed(), r.step(), r.meanRecentLoss(),
                quality, "Prompt: ChatML with the system prompt '" + LmPlanner.SYSTEM_PROMPT + "'. Understanding requests"
                        + " whose answer depends on the attachment are trained to say '" + ATTACHMENT_ANSWER
                        + "': the planner only recognises them; answers come from the understanding model.")
                .write(dir);
    }
}
