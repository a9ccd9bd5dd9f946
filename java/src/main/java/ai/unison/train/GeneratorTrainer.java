package ai.unison.train;

import ai.unison.api.Attachment;
import ai.unison.api.Frames;
import ai.unison.api.Plan;
import ai.unison.api.Size;
import ai.unison.diffusion.wan.AutoencoderKLWan;
import ai.unison.diffusion.wan.VaceInputs;
import ai.unison.diffusion.wan.VacePipeline;
import ai.unison.diffusion.wan.WanTransformerConfig;
import ai.unison.diffusion.wan.WanVACETransformer3DModel;
import ai.unison.diffusion.wan.ZeroLatentCache;
import ai.unison.io.Checkpoint;
import ai.unison.io.Json;
import ai.unison.io.SafetensorsWriter;
import ai.unison.nn.Weights;
import ai.unison.plan.RequestText;
import ai.unison.plan.SignalGrammar;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Threads;
import ai.unison.runtime.Torch;
import ai.unison.text.ByteLevelTokenizer;
import ai.unison.text.BytePairEncoding;
import ai.unison.text.Tokenizer;
import ai.unison.text.UMT5Config;
import ai.unison.text.UMT5EncoderModel;
import ai.unison.world.Category;
import ai.unison.world.DataGenerator;
import ai.unison.world.Example;
import ai.unison.world.Frame;
import ai.unison.world.Media;
import ai.unison.world.ShapesEval;
import ai.unison.world.WorldTask;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Trains the tiny generation expert: a UMT5 encoder (byte-level BPE tokenizer) and a Wan-VACE transformer, jointly, with
 * Wan's flow-matching objective on all nine generation tasks of the shapes world, over a frozen trained VAE.
 *
 * <p>Data: a pool of world examples ({@link DataGenerator}, 128×128, clips of 1–2 s) is prepared once per
 * run and stored in {@code OUT/pool.safetensors} (so a resumed run reads the very same tensors): for each
 * example the plan is {@link SignalGrammar#toPlan} of its signal with its attachments, the VACE control
 * latents come from {@link VaceInputs#forTask} and {@link VaceInputs#controlLatents} exactly as at inference,
 * and the clean latents x0 are the reference latents (the first {@code refs} control frames' inactive
 * channels) followed by the normalised posterior mean of the target.
 *
 * <p>Objective (Wan / rectified flow): σ = shift·u / (1 + (shift − 1)·u) with u uniform (the UniPC flow
 * schedule's shift), x_t = (1 − σ)·x0 + σ·ε, the model predicts v = ε − x0 at timestep 1000·σ; the loss is
 * the mean squared error over every latent frame (reference frames' target is the reference latent, as in
 * VACE training). The prompt (the example's request text, tokenised as {@link VacePipeline#tokenize} does)
 * is replaced by the empty negative prompt with probability {@code textDropout}, for classifier-free
 * guidance. Each step takes one task (uniformly, or by the task weights), then as many of its pooled examples
 * of one shape as fit a token budget.
 *
 * <p>Evaluation: the flow loss at five fixed σ on one held-out example per task ({@code heldout_loss}, and with
 * the empty prompt) and on {@value #HELDOUT_T2I} held-out text-to-image examples with the right, the empty and
 * another example's prompt ({@code heldout_t2i_loss*}): a model that follows its text has the first clearly
 * below the other two.
 */
public final class GeneratorTrainer {
    /** The UMT5 tokenizer's added tokens: pad (id 256) and end of sequence (id 257). */
    public static final List<String> TEXT_SPECIAL = List.of("<pad>", "</s>");
    static final int TEXT_VOCAB = 256 + TEXT_SPECIAL.size();

    static final List<WorldTask> TASKS = VaeTrainer.GENERATION;

    /** Seed of the held-out evaluation examples. */
    static final long EVAL_SEED = 20_250_801L;

    /** Held-out text-to-image examples of the text-use metrics (half world captions, half ShapesEval-style). */
    static final int HELDOUT_T2I = 8;

    /**
     * What the data and objective look like.
     *
     * @param size             canvas side
     * @param seconds          clip durations (seconds, drawn uniformly from the list)
     * @param imagesPerTask    pooled examples per image task
     * @param videosPerTask    pooled examples per video task
     * @param maxSequenceLength UMT5 tokens per prompt (padding included), as the pipeline's unison.json says
     * @param flowShift        the UniPC flow shift (training σ and the shipped scheduler)
     * @param textDropout      probability of training on the empty prompt
     * @param tokenBudget      transformer tokens per step (batch = budget / tokens per example, at most --batch)
     * @param checkSamples     text-to-image samples generated after export and scored with the detector (0: none)
     * @param objectWeight     extra loss weight of latent positions that differ from the background
     *                         ({@link WorldTensors#objectWeights}; 0: plain MSE)
     * @param poolSizes        pooled examples of a task where it differs from {@code imagesPerTask} /
     *                         {@code videosPerTask}
     * @param taskWeights      how often a step's batch is drawn from a task, relative to the others (absent: 1)
     * @param evalStyleShare   the share of the text-to-image pool drawn from ShapesEval's text-to-image
     *                         categories (short prompts such as "an image of three red circles") with training
     *                         seeds; the rest are DataGenerator's captions of whole scenes
     */
    public record Options(int size, List<Integer> seconds, int imagesPerTask, int videosPerTask,
                          int maxSequenceLength, double flowShift, double textDropout, int tokenBudget,
                          int checkSamples, double objectWeight, Map<WorldTask, Integer> poolSizes,
                          Map<WorldTask, Double> taskWeights, double evalStyleShare) {
        public Options {
            if (!(objectWeight >= 0) || Double.isInfinite(objectWeight)) {
                throw new IllegalArgumentException("object weight must be a finite number >= 0, got " + objectWeight);
            }
            if (!(evalStyleShare >= 0 && evalStyleShare <= 1)) {
                throw new IllegalArgumentException("eval-style share must be in [0, 1], got " + evalStyleShare);
            }
            poolSizes = Map.copyOf(poolSizes);
            taskWeights = Map.copyOf(taskWeights);
            poolSizes.forEach((t, n) -> {
                if (!TASKS.contains(t) || n < 1) {
                    throw new IllegalArgumentException("pool size of " + t.id() + " must be >= 1 for a generation"
                            + " task, got " + n);
                }
            });
            taskWeights.forEach((t, w) -> {
                if (!TASKS.contains(t) || !(w > 0) || Double.isInfinite(w)) {
                    throw new IllegalArgumentException("task weight of " + t.id() + " must be a finite number > 0"
                            + " for a generation task, got " + w);
                }
            });
        }

        public Options(int size, List<Integer> seconds, int imagesPerTask, int videosPerTask, int maxSequenceLength,
                       double flowShift, double textDropout, int tokenBudget, int checkSamples, double objectWeight) {
            this(size, seconds, imagesPerTask, videosPerTask, maxSequenceLength, flowShift, textDropout, tokenBudget,
                    checkSamples, objectWeight, Map.of(), Map.of(), 0);
        }

        public static Options defaults() {
            return new Options(128, List.of(1), 240, 60, 128, 3.0, 0.1, 1024, 8, 0.0);
        }

        /** Pooled examples of {@code task}. */
        public int poolSize(WorldTask task) {
            return poolSizes.getOrDefault(task, isVideo(task) ? videosPerTask : imagesPerTask);
        }

        /** Relative frequency of {@code task}'s batches. */
        public double taskWeight(WorldTask task) {
            return taskWeights.getOrDefault(task, 1.0);
        }
    }

    private GeneratorTrainer() {
    }

    /** The tiny UMT5: byte vocabulary + pad/eos, d_model 128, 2 layers, 4 heads of 32, gated-GELU 256. */
    public static UMT5Config tinyTextConfig() {
        return tinyTextConfig(TEXT_VOCAB);
    }

    /** {@link #tinyTextConfig()} over a vocabulary of {@code vocab} ids (a BPE tokenizer's size). */
    public static UMT5Config tinyTextConfig(int vocab) {
        return new UMT5Config(vocab, 128, 32, 256, 2, 4, 32, 128, 1e-6, "gated-gelu", "gelu_new");
    }

    /** The tiny Wan-VACE transformer: 4 heads of 48 (dim 192), 4 layers, VACE at layers 0 and 2, FFN 768. */
    public static WanTransformerConfig tinyTransformerConfig(int zDim, int textDim) {
        return transformerConfig(zDim, textDim, 4, 48, 4, 768);
    }

    public static WanTransformerConfig transformerConfig(int zDim, int textDim, int heads, int headDim, int layers,
                                                         int ffn) {
        return transformerConfig(zDim, 8, textDim, heads, headDim, layers, ffn);
    }

    /**
     * A Wan-VACE transformer over the latents of a VAE with {@code spatialFactor} (4 or 8): the patch side
     * is 16 / spatialFactor, so one token always covers 16×16 pixels, and vace_in_channels is 2·z_dim for
     * the inactive and reactive latents plus spatialFactor² for the folded mask.
     */
    public static WanTransformerConfig transformerConfig(int zDim, int spatialFactor, int textDim, int heads,
                                                         int headDim, int layers, int ffn) {
        if (spatialFactor != 4 && spatialFactor != 8) {
            throw new IllegalArgumentException("VAE spatial factor " + spatialFactor + ": 4 or 8");
        }
        return transformerConfig(zDim, spatialFactor, 16 / spatialFactor, textDim, heads, headDim, layers, ffn);
    }

    /**
     * As {@link #transformerConfig(int, int, int, int, int, int, int)} with the patch side given. A token
     * carries {@code patch² · z_dim} latent values in and out; with fewer model dimensions than that, the
     * transformer cannot pass the noisy latents through, and its flow prediction keeps an error floor at
     * every noise level (what the 16×16-pixel tokens of the first tiny generators had: 256 values, 192 dims).
     */
    public static WanTransformerConfig transformerConfig(int zDim, int spatialFactor, int patch, int textDim, int heads,
                                                         int headDim, int layers, int ffn) {
        if (patch < 1 || patch > 16) {
            throw new IllegalArgumentException("patch side " + patch + ": 1 to 16");
        }
        return new WanTransformerConfig(List.of(1, patch, patch), heads, headDim, zDim, zDim, textDim, 256, ffn, layers,
                true, "rms_norm_across_heads", 1e-6, null, null, 1024, null, List.of(0, Math.min(2, layers - 1)),
                2 * zDim + spatialFactor * spatialFactor);
    }

    /** Writes the UMT5 byte-level tokenizer (no merges) into {@code dir}. */
    public static void writeTokenizer(Path dir) {
        writeTokenizer(dir, 0);
    }

    /** Prompts per generation task the BPE merges are learnt from (plus as many ShapesEval-style ones). */
    static final int BPE_PROMPTS_PER_TASK = 200;

    /** Seed of the BPE corpus: other examples than any pool's or held-out set's. */
    static final long BPE_SEED = 20_261_123L;

    /**
     * Writes the UMT5 tokenizer into {@code dir}: the 256 bytes, {@code <pad>} 256 and {@code </s>} 257, then
     * {@code merges} byte-level BPE merges learnt by {@link BytePairEncoding} from the prompts of
     * {@value #BPE_PROMPTS_PER_TASK} world examples per generation task and as many ShapesEval-style text-to-image
     * prompts (deterministic), so that the world's words become single tokens. Returns the vocabulary size.
     */
    public static int writeTokenizer(Path dir, int merges) {
        List<BytePairEncoding.Merge> learnt = List.of();
        if (merges > 0) {
            learnt = BytePairEncoding.learn(bpeCorpus(128), merges, TEXT_SPECIAL);
        }
        ByteLevelTokenizer.write(dir, TEXT_SPECIAL, List.of(), "</s>", "<pad>", learnt);
        try (Tokenizer t = Tokenizer.load(dir)) {
            return t.size();
        }
    }

    /** The prompts the generator's BPE merges are learnt from, at a canvas of {@code size}. */
    static List<String> bpeCorpus(int size) {
        DataGenerator data = new DataGenerator(size, size, List.of(1));
        SplittableRandom r = new SplittableRandom(BPE_SEED);
        List<String> corpus = new ArrayList<>();
        for (WorldTask t : TASKS) {
            for (int i = 0; i < BPE_PROMPTS_PER_TASK; i++) {
                corpus.add(plan(data.example(t, r.nextLong())).prompt());
            }
        }
        for (int i = 0; i < BPE_PROMPTS_PER_TASK; i++) {
            corpus.add(plan(evalStyleExample(i, r.nextLong(), size)).prompt());
        }
        return corpus;
    }

    /**
     * The tokenizer of the run in {@code out} ({@code out/tokenizer}): the one already there (a resumed run keeps
     * its own), else a new one with {@code merges} merges ({@link #writeTokenizer(Path, int)}). Returns its
     * vocabulary size.
     */
    public static int runTokenizer(Path out, int merges) {
        return RunTokenizer.of(out, dir -> writeTokenizer(dir, merges));
    }

    /**
     * Warm start: copies into {@code params} every tensor of {@code init} whose name and shape match a parameter
     * (the rest keep their fresh initial values, e.g. a text embedding over another vocabulary). {@code init} is a
     * training checkpoint folder (its {@code parameters.safetensors}), a safetensors file with the trainer's names,
     * or an exported pipeline folder ({@code transformer/} and {@code text_encoder/}). Returns the names kept fresh.
     */
    static List<String> warmStart(Parameters params, Path init, PrintStream log) {
        Map<String, Path> sources = new LinkedHashMap<>();
        if (Files.isDirectory(init.resolve("transformer")) && Files.isDirectory(init.resolve("text_encoder"))) {
            sources.put("transformer.", init.resolve("transformer"));
            sources.put("text_encoder.", init.resolve("text_encoder"));
        } else if (Files.isRegularFile(init.resolve(Checkpoints.PARAMETERS))) {
            sources.put("", init.resolve(Checkpoints.PARAMETERS));
        } else if (Files.isRegularFile(init)) {
            sources.put("", init);
        } else {
            throw new ai.unison.io.ConfigException(init, "--init must be a generator checkpoint folder (with "
                    + Checkpoints.PARAMETERS + "), a safetensors file or an exported pipeline folder");
        }
        List<String> fresh = new ArrayList<>(params.names());
        int copied = 0;
        try (NativeScope scope = NativeScope.open(); NoGradGuard g = new NoGradGuard()) {
            for (Map.Entry<String, Path> src : sources.entrySet()) {
                try (Checkpoint c = Checkpoint.open(src.getValue())) {
                    for (String n : c.names()) {
                        String name = src.getKey() + n;
                        if (!params.contains(name)) {
                            continue;
                        }
                        Tensor p = params.get(name);
                        Tensor v = c.tensor(n);
                        if (java.util.Arrays.equals(Torch.shape(p), Torch.shape(v))) {
                            p.copy_(v);
                            fresh.remove(name);
                            copied++;
                        }
                    }
                }
            }
        }
        log.printf(Locale.ROOT, "warm start from %s: %d tensors copied, %d kept fresh %s%n", init, copied, fresh.size(),
                fresh.size() <= 8 ? fresh : fresh.subList(0, 8) + "...");
        return fresh;
    }

    /**
     * Initial values: biases zero, norm weights one, the VACE hints' and the output's projections zero (so
     * training starts from "no control, predict zero"), everything else Normal(0, 0.02).
     */
    static ParameterInit init() {
        ParameterInit standard = ParameterInit.standard(0.02);
        return (name, shape, rng) -> {
            if (name.matches("transformer\\.(vace_blocks\\.\\d+\\.)?proj_out\\.(weight|bias)")) {
                return ParameterInit.zeros().values(name, shape, rng);
            }
            return standard.values(name, shape, rng);
        };
    }

    // ------------------------------------------------------------------ data

    /** One pooled training example: prompt ids, clean latents x0 [1, z, F, h, w] and control [1, C, F, h, w]. */
    record Item(WorldTask task, String prompt, long[] ids, long[] mask, Tensor x0, Tensor control, int refs) {
        int frames() {
            return (int) x0.size(2);
        }
    }

    /** The pooled examples, by task, each task's by frame count; owns the tensors. */
    static final class Pool implements AutoCloseable {
        final List<Item> items;
        final Map<WorldTask, TreeMap<Integer, List<Item>>> byTask = new LinkedHashMap<>();

        Pool(List<Item> items) {
            this.items = items;
            for (Item it : items) {
                byTask.computeIfAbsent(it.task(), t -> new TreeMap<>()).computeIfAbsent(it.frames(),
                        f -> new ArrayList<>()).add(it);
            }
        }

        @Override
        public void close() {
            for (Item it : items) {
                it.x0().close();
                it.control().close();
            }
        }
    }

    /** The API view of a world example's attachments: Attachment records (by kind) and their pixels. */
    static List<Attachment> attachments(Example e) {
        List<Attachment> out = new ArrayList<>();
        List<Media> media = e.query().attachments();
        for (int i = 0; i < media.size(); i++) {
            out.add(new Attachment(i, media.get(i) instanceof Media.Video ? Attachment.Kind.VIDEO : Attachment.Kind.IMAGE,
                    "attachment" + i + (media.get(i) instanceof Media.Video ? ".mp4" : ".png")));
        }
        return out;
    }

    static Frames frames(Media m) {
        List<Frame> fs = WorldTensors.frames(m);
        int w = fs.get(0).width();
        int h = fs.get(0).height();
        byte[] all = new byte[fs.size() * w * h * 3];
        for (int i = 0; i < fs.size(); i++) {
            System.arraycopy(fs.get(i).toBytes(), 0, all, i * w * h * 3, w * h * 3);
        }
        return Frames.of(fs.size(), h, w, 3, all);
    }

    /** The plan the engine would run for a world example (its signal, its attachments, its request text). */
    static Plan plan(Example e) {
        List<String> paths = attachments(e).stream().map(Attachment::path).toList();
        RequestText.Prepared p = RequestText.prepare(e.query().text(), paths);
        return SignalGrammar.toPlan(e.signal(), p.attachments(), p.prompt());
    }

    /** The executed size of an example: the plan's size and frames, else the canvas and the target's frames. */
    static Size executed(Plan plan, Example e) {
        int frames = WorldTensors.frames(e.target()).size();
        int w = plan.width() != null ? plan.width() : WorldTensors.frames(e.target()).get(0).width();
        int h = plan.height() != null ? plan.height() : WorldTensors.frames(e.target()).get(0).height();
        return new Size(w, h, plan.frames() != null ? plan.frames() : frames);
    }

    /** Prepares one pooled item: control latents as at inference, x0 = reference latents + target latents. */
    static Item prepare(Example e, AutoencoderKLWan vae, Tokenizer tokenizer, int maxLength) {
        return prepare(e, vae, tokenizer, maxLength, null);
    }

    /** {@link #prepare(Example, AutoencoderKLWan, Tokenizer, int)} reusing the latents of all-zero videos from {@code zeros}. */
    static Item prepare(Example e, AutoencoderKLWan vae, Tokenizer tokenizer, int maxLength, ZeroLatentCache zeros) {
        Plan plan = plan(e);
        Size size = executed(plan, e);
        List<Frames> pixels = new ArrayList<>();
        for (Media m : e.query().attachments()) {
            pixels.add(frames(m));
        }
        try (NativeScope scope = NativeScope.open(); NoGradGuard g = new NoGradGuard();
             VaceInputs in = VaceInputs.forTask(plan, pixels, size)) {
            Tensor control = zeros == null ? in.controlLatents(vae) : in.controlLatents(vae, zeros);
            int refs = in.referenceFrames();
            Tensor target = vae.normalizeLatents(vae.encode(WorldTensors.video(WorldTensors.frames(e.target()))).mean()).cpu();
            Tensor x0 = refs == 0 ? target
                    : torch.cat(new TensorVector(control.narrow(1, 0, vae.config().zDim()).narrow(2, 0, refs), target), 2);
            if (x0.size(2) != control.size(2)) {
                throw new IllegalStateException(e.task() + ": x0 has " + x0.size(2) + " latent frames, control "
                        + control.size(2));
            }
            VacePipeline.PromptIds ids = VacePipeline.tokenize(tokenizer, List.of(plan.prompt()), maxLength);
            return new Item(e.task(), plan.prompt(), ids.ids(), ids.mask(), NativeScope.own(x0.contiguous()),
                    NativeScope.own(control.contiguous()), refs);
        }
    }

    static boolean isVideo(WorldTask t) {
        return VaeTrainer.VIDEO_TASKS.contains(t);
    }

    /** Builds the pool (deterministic in {@code seed}) or reads it from {@code file} when present. */
    static Pool pool(Path file, DataGenerator data, Options o, long seed, AutoencoderKLWan vae, Tokenizer tokenizer,
                     PrintStream log) {
        if (Files.isRegularFile(file)) {
            return readPool(file, tokenizer, o.maxSequenceLength());
        }
        List<Item> items = new ArrayList<>();
        long t0 = System.nanoTime();
        int total = 0;
        for (WorldTask t : TASKS) {
            total += o.poolSize(t);
        }
        SplittableRandom r = new SplittableRandom(seed);
        int done = 0;
        try (ZeroLatentCache zeros = new ZeroLatentCache(vae, 64)) {
        for (WorldTask t : TASKS) {
            int n = o.poolSize(t);
            int evalStyle = t == WorldTask.TEXT_TO_IMAGE ? (int) Math.round(n * o.evalStyleShare()) : 0;
            for (int i = 0; i < n; i++) {
                Example e = i < evalStyle
                        ? evalStyleExample(i, r.nextLong(), o.size())
                        : data.example(t, r.nextLong());
                items.add(prepare(e, vae, tokenizer, o.maxSequenceLength(), zeros));
                done++;
                if (done % 50 == 0 || done == total) {
                    log.printf(Locale.ROOT, "pool: %d/%d examples prepared (%s)%n", done, total,
                            Trainer.format((System.nanoTime() - t0) / 1e9));
                }
            }
        }
        }
        writePool(file, items);
        return new Pool(items);
    }

    static void writePool(Path file, List<Item> items) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        ArrayNode meta = Json.MAPPER.createArrayNode();
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            tensors.put(i + ".x0", it.x0());
            tensors.put(i + ".control", it.control());
            meta.addObject().put("task", it.task().name()).put("prompt", it.prompt()).put("refs", it.refs());
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            SafetensorsWriter.write(tmp, tensors, Map.of());
            Files.writeString(itemsFile(file), meta.toPrettyString());
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the pool " + file, e);
        }
    }

    static Path itemsFile(Path pool) {
        return pool.resolveSibling(pool.getFileName() + ".items.json");
    }

    static Pool readPool(Path file, Tokenizer tokenizer, int maxLength) {
        List<Item> items = new ArrayList<>();
        try (Checkpoint c = Checkpoint.open(file)) {
            JsonNode meta = Json.readTree(itemsFile(file));
            for (int i = 0; i < meta.size(); i++) {
                JsonNode m = meta.get(i);
                String prompt = m.get("prompt").asText();
                VacePipeline.PromptIds ids = VacePipeline.tokenize(tokenizer, List.of(prompt), maxLength);
                try (NativeScope scope = NativeScope.open()) {
                    Tensor x0 = NativeScope.own(c.tensor(i + ".x0").clone());
                    Tensor control = NativeScope.own(c.tensor(i + ".control").clone());
                    items.add(new Item(WorldTask.valueOf(m.get("task").asText()), prompt, ids.ids(), ids.mask(), x0,
                            control, m.get("refs").asInt()));
                }
            }
        }
        return new Pool(items);
    }

    /** ShapesEval's text-to-image categories, whose prompt styles {@link Options#evalStyleShare} mixes in. */
    static final List<Category> T2I_CATEGORIES = List.of(Category.SINGLE_OBJECT, Category.TWO_OBJECT,
            Category.COUNTING, Category.COLORS, Category.POSITION, Category.COLOR_ATTR, Category.PLACEMENT);

    /** A ShapesEval-style text-to-image example of the {@code i}-th category (cycling) from {@code seed}. */
    static Example evalStyleExample(int i, long seed, int size) {
        return ShapesEval.sample(T2I_CATEGORIES.get(i % T2I_CATEGORIES.size()), 1, seed, size, size).get(0);
    }

    /** {@link #batch(Pool, SplittableRandom, int, int, long, Options)} with every task equally likely. */
    static List<Item> batch(Pool pool, SplittableRandom r, int maxBatch, int tokenBudget, long tokensPerFrame) {
        return batch(pool, r, maxBatch, tokenBudget, tokensPerFrame, null);
    }

    /**
     * One step's batch: one task (drawn by {@link Options#taskWeight}, all equal when {@code o} is null), then
     * examples of one shape of that task within the token budget.
     */
    static List<Item> batch(Pool pool, SplittableRandom r, int maxBatch, int tokenBudget, long tokensPerFrame,
                            Options o) {
        List<WorldTask> tasks = new ArrayList<>(pool.byTask.keySet());
        WorldTask task = tasks.get(r.nextInt(tasks.size()));
        // with weights the uniform pick above is replaced; it is still drawn, so that runs resumed from a
        // checkpoint draw the same stream as before weights existed
        if (o != null && !o.taskWeights().isEmpty()) {
            double total = 0;
            for (WorldTask t : tasks) {
                total += o.taskWeight(t);
            }
            double u = r.nextDouble() * total;
            for (WorldTask t : tasks) {
                task = t;
                u -= o.taskWeight(t);
                if (u < 0) {
                    break;
                }
            }
        }
        TreeMap<Integer, List<Item>> shapes = pool.byTask.get(task);
        int count = shapes.values().stream().mapToInt(List::size).sum();
        int pick = r.nextInt(count);
        List<Item> group = null;
        for (List<Item> g : shapes.values()) {
            if (pick < g.size()) {
                group = g;
                break;
            }
            pick -= g.size();
        }
        int b = (int) Math.max(1, Math.min(maxBatch, tokenBudget / (group.get(0).frames() * tokensPerFrame)));
        List<Item> out = new ArrayList<>();
        out.add(group.get(pick));
        for (int i = 1; i < b; i++) {
            out.add(group.get(r.nextInt(group.size())));
        }
        return out;
    }

    /** The models being trained, over one set of parameters named {@code transformer.*} and {@code text_encoder.*}. */
    record Models(UMT5EncoderModel text, WanVACETransformer3DModel transformer, long[] emptyIds, long[] emptyMask) {
    }

    /**
     * The flow-matching loss of a batch: σ from the shifted uniform, x_t = (1 − σ)x0 + σε, MSE of the
     * prediction against ε − x0; the prompt is dropped (replaced by the empty prompt) with probability
     * {@code o.textDropout()}.
     */
    static Tensor loss(Models m, List<Item> items, Rng rng, SplittableRandom r, Options o, int maxLength) {
        try (NativeScope scope = NativeScope.open()) {
            int b = items.size();
            long[] ids = new long[b * maxLength];
            long[] mask = new long[b * maxLength];
            double[] sigmas = new double[b];
            for (int i = 0; i < b; i++) {
                boolean drop = r.nextDouble() < o.textDropout();
                System.arraycopy(drop ? m.emptyIds() : items.get(i).ids(), 0, ids, i * maxLength, maxLength);
                System.arraycopy(drop ? m.emptyMask() : items.get(i).mask(), 0, mask, i * maxLength, maxLength);
                sigmas[i] = shiftedSigma(r.nextDouble(), o.flowShift());
            }
            Tensor x0 = cat(items, true);
            Tensor control = cat(items, false);
            Tensor noise = rng.randn(Torch.shape(x0));
            float[] s = new float[b];
            float[] t = new float[b];
            for (int i = 0; i < b; i++) {
                s[i] = (float) sigmas[i];
                t[i] = (float) (sigmas[i] * 1000);
            }
            Tensor sig = Torch.fromFloats(s, b, 1, 1, 1, 1);
            Tensor xt = x0.mul(sig.neg().add(Torch.scalar(1))).add(noise.mul(sig));
            Tensor text = m.text().promptEmbeds(Torch.fromLongs(ids, b, maxLength), Torch.fromLongs(mask, b, maxLength));
            Tensor pred = m.transformer().forward(xt, Torch.fromFloats(t, b), text, control, 1.0);
            Tensor error = pred.sub(noise.sub(x0)).square();
            if (o.objectWeight() == 0) {
                return scope.keep(error.mean());
            }
            Tensor w = WorldTensors.objectWeights(x0, o.objectWeight());
            return scope.keep(error.mul(w).mean().div(w.mean()));
        }
    }

    /** The UniPC flow schedule's shift applied to u in [0, 1): shift·u / (1 + (shift − 1)·u). */
    static double shiftedSigma(double u, double shift) {
        double s = Math.max(u, 1e-3);
        return shift * s / (1 + (shift - 1) * s);
    }

    private static Tensor cat(List<Item> items, boolean x0) {
        Tensor[] parts = new Tensor[items.size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = x0 ? items.get(i).x0() : items.get(i).control();
        }
        return parts.length == 1 ? parts[0] : torch.cat(new TensorVector(parts), 0);
    }

    /** Mean flow loss on held-out items at fixed σ (0.1 … 0.9), fixed noise: comparable across steps. */
    static double heldoutLoss(Models m, List<Item> items, Options o, int maxLength) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < items.size(); i++) {
            for (double u : new double[]{0.1, 0.3, 0.5, 0.7, 0.9}) {
                try (NativeScope scope = NativeScope.open(); Rng rng = new Rng(EVAL_SEED + 31L * i + (long) (u * 10))) {
                    Tensor l = lossAt(m, items.get(i), rng, u, maxLength);
                    sum += l.item().toDouble();
                    n++;
                }
            }
        }
        return sum / n;
    }

    /**
     * The same items with the empty prompt: {@code heldout_loss_empty_prompt} next to {@code heldout_loss} shows
     * how much the model uses the text (equal losses: it ignores it). Shares the items' tensors.
     */
    static List<Item> withoutPrompt(List<Item> items, Models m) {
        List<Item> out = new ArrayList<>();
        for (Item it : items) {
            out.add(new Item(it.task(), "", m.emptyIds(), m.emptyMask(), it.x0(), it.control(), it.refs()));
        }
        return out;
    }

    /**
     * The same items, each with the next item's prompt (the last with the first's): a model that follows its text
     * has a clearly higher loss here than with the right prompts. Shares the items' tensors.
     */
    static List<Item> otherPrompts(List<Item> items) {
        List<Item> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            Item other = items.get((i + 1) % items.size());
            out.add(new Item(it.task(), other.prompt(), other.ids(), other.mask(), it.x0(), it.control(), it.refs()));
        }
        return out;
    }

    private static Tensor lossAt(Models m, Item item, Rng rng, double sigma, int maxLength) {
        try (NativeScope scope = NativeScope.open()) {
            Tensor x0 = item.x0();
            Tensor noise = rng.randn(Torch.shape(x0));
            Tensor xt = x0.mul(Torch.scalar(1 - sigma)).add(noise.mul(Torch.scalar(sigma)));
            Tensor text = m.text().promptEmbeds(Torch.fromLongs(item.ids(), 1, maxLength),
                    Torch.fromLongs(item.mask(), 1, maxLength));
            Tensor pred = m.transformer().forward(xt, Torch.fromFloats(new float[]{(float) (sigma * 1000)}, 1), text,
                    item.control(), 1.0);
            return scope.keep(pred.sub(noise.sub(x0)).square().mean());
        }
    }

    // ------------------------------------------------------------------ training

    /**
     * Trains per {@code config} over the VAE in {@code vaeDir} and, when all steps are done and {@code export}
     * is given, writes the pipeline folder {@code export} (every component but {@code vae/}, which must
     * already be there or is copied from {@code vaeDir}) and its model card.
     */
    public static TrainResult train(TrainConfig config, UMT5Config textConfig, WanTransformerConfig transformerConfig,
                                    Options o, Path vaeDir, Path export, DType exportDType, int evalEvery,
                                    String command, PrintStream log) {
        return train(config, textConfig, transformerConfig, o, vaeDir, null, export, exportDType, evalEvery, command,
                log);
    }

    /**
     * As {@link #train(TrainConfig, UMT5Config, WanTransformerConfig, Options, Path, Path, DType, int, String,
     * PrintStream)}, warm-started from {@code warmStart} when given ({@link #warmStart}; a resumed run's checkpoint
     * overrides it). The run's tokenizer ({@code out/tokenizer}, written by {@link #runTokenizer} if absent, byte-level
     * without merges) must have {@code textConfig}'s vocabulary size.
     */
    public static TrainResult train(TrainConfig config, UMT5Config textConfig, WanTransformerConfig transformerConfig,
                                    Options o, Path vaeDir, Path warmStart, Path export, DType exportDType, int evalEvery,
                                    String command, PrintStream log) {
        Path out = config.out();
        // before the pool is built: with libtorch's default pool of one thread per core, building it on a
        // loaded machine was ~10x slower (0.45 s per text-to-image example against 0.04 s with one thread)
        Threads.set(config.threads());
        Path tokenizerDir = out.resolve("tokenizer");
        int vocab = runTokenizer(out, 0);
        if (vocab != textConfig.vocabSize()) {
            throw new IllegalArgumentException("the run's tokenizer " + tokenizerDir + " has " + vocab
                    + " ids but the text encoder's vocabulary is " + textConfig.vocabSize());
        }
        DataGenerator data = new DataGenerator(o.size(), o.size(), o.seconds());
        int maxLength = o.maxSequenceLength();
        Map<String, Object> info = describe(textConfig, transformerConfig, o);
        Pool pool;
        List<Item> heldout = new ArrayList<>();
        List<Item> heldoutT2i = new ArrayList<>();
        try (Tokenizer tokenizer = Tokenizer.load(tokenizerDir);
             AutoencoderKLWan vae = AutoencoderKLWan.load(vaeDir, DType.FLOAT32, new Device("cpu"))) {
            int sf = vae.config().spatialFactor();
            if (vae.config().zDim() != transformerConfig.inChannels()) {
                throw new IllegalArgumentException("VAE z_dim " + vae.config().zDim() + " but transformer in_channels "
                        + transformerConfig.inChannels());
            }
            if (transformerConfig.vaceInChannels() != 2 * vae.config().zDim() + sf * sf) {
                throw new IllegalArgumentException("VAE " + vaeDir + " (z_dim " + vae.config().zDim() + ", spatial factor "
                        + sf + ") needs vace_in_channels " + (2 * vae.config().zDim() + sf * sf)
                        + " but the transformer has " + transformerConfig.vaceInChannels());
            }
            pool = pool(out.resolve("pool.safetensors"), data, o, Trainer.stepSeed(config.seed(), -1), vae, tokenizer,
                    log);
            SplittableRandom hr = new SplittableRandom(EVAL_SEED);
            for (WorldTask t : TASKS) {
                heldout.add(prepare(data.example(t, hr.nextLong()), vae, tokenizer, maxLength));
            }
            for (int i = 0; i < HELDOUT_T2I; i++) {
                Example e = i % 2 == 0 ? data.example(WorldTask.TEXT_TO_IMAGE, hr.nextLong())
                        : evalStyleExample(i, hr.nextLong(), o.size());
                heldoutT2i.add(prepare(e, vae, tokenizer, maxLength));
            }
            VacePipeline.PromptIds empty = VacePipeline.tokenize(tokenizer, List.of(""), maxLength);
            long tokensPerFrame = (long) (o.size() / sf / transformerConfig.patchSize().get(1)) * (o.size()
                    / sf / transformerConfig.patchSize().get(2));
            try (Pool p = pool; Parameters params = new Parameters(); Rng init = new Rng(config.seed());
                 Weights root = params.weights(init, init())) {
                UMT5EncoderModel text = new UMT5EncoderModel(root.prefix("text_encoder."), textConfig);
                WanVACETransformer3DModel transformer = new WanVACETransformer3DModel(root.prefix("transformer."),
                        transformerConfig);
                if (warmStart != null) {
                    warmStart(params, warmStart, log);
                }
                Models m = new Models(text, transformer, empty.ids(), empty.mask());
                TrainResult r = new Trainer(config, params).info(info).log(log)
                        .noDecay(n -> n.endsWith("bias") || n.contains("norm") || n.endsWith("scale_shift_table")
                                || n.endsWith("shared.weight") || n.contains("relative_attention_bias"))
                        .eval(evalEvery, step -> {
                            Map<String, Double> metrics = new LinkedHashMap<>();
                            metrics.put("heldout_loss", heldoutLoss(m, heldout, o, maxLength));
                            metrics.put("heldout_loss_empty_prompt", heldoutLoss(m, withoutPrompt(heldout, m), o,
                                    maxLength));
                            metrics.put("heldout_t2i_loss", heldoutLoss(m, heldoutT2i, o, maxLength));
                            metrics.put("heldout_t2i_loss_empty_prompt", heldoutLoss(m, withoutPrompt(heldoutT2i, m), o,
                                    maxLength));
                            metrics.put("heldout_t2i_loss_other_prompt", heldoutLoss(m, otherPrompts(heldoutT2i), o,
                                    maxLength));
                            return metrics;
                        })
                        .run((step, rng) -> {
                            SplittableRandom sr = new SplittableRandom(Trainer.stepSeed(config.seed(), step));
                            return loss(m, batch(p, sr, config.batch(), o.tokenBudget(), tokensPerFrame, o), rng, sr, o,
                                    maxLength);
                        });
                if (r.finished() && export != null) {
                    export(params, textConfig, transformerConfig, o, vaeDir, export, exportDType, r, config, command,
                            info, p.items.size(), log);
                }
                return r;
            } finally {
                for (List<Item> items : List.of(heldout, heldoutT2i)) {
                    for (Item it : items) {
                        it.x0().close();
                        it.control().close();
                    }
                }
            }
        }
    }

    static Map<String, Object> describe(UMT5Config t, WanTransformerConfig c, Options o) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("transformer.dim", c.innerDim());
        info.put("transformer.heads", c.numAttentionHeads());
        info.put("transformer.layers", c.numLayers());
        info.put("transformer.ffn_dim", c.ffnDim());
        info.put("transformer.vace_layers", c.vaceLayers());
        info.put("transformer.patch_size", c.patchSize());
        info.put("transformer.vace_in_channels", c.vaceInChannels());
        info.put("text_encoder.d_model", t.dModel());
        info.put("text_encoder.layers", t.numLayers());
        info.put("text_encoder.heads", t.numHeads());
        info.put("text_encoder.d_ff", t.dFf());
        info.put("text_encoder.vocab_size", t.vocabSize());
        info.put("max_sequence_length", o.maxSequenceLength());
        info.put("flow_shift", o.flowShift());
        info.put("text_dropout", o.textDropout());
        info.put("object_weight", o.objectWeight());
        info.put("pool", poolDescription(o));
        if (!o.taskWeights().isEmpty()) {
            info.put("task_weights", weightsDescription(o));
        }
        info.put("clip_seconds", o.seconds());
        return info;
    }

    /** The pool's make-up, for the log and the model card. */
    static String poolDescription(Options o) {
        StringBuilder b = new StringBuilder(o.imagesPerTask() + " per image task, " + o.videosPerTask()
                + " per video task");
        for (WorldTask t : TASKS) {
            if (o.poolSizes().containsKey(t)) {
                b.append(", ").append(t.id()).append(' ').append(o.poolSize(t));
            }
        }
        if (o.evalStyleShare() > 0) {
            b.append(String.format(Locale.ROOT, "; %.0f%% of text_to_image from ShapesEval's text-to-image categories"
                    + " with training seeds", 100 * o.evalStyleShare()));
        }
        return b.toString();
    }

    static String weightsDescription(Options o) {
        StringBuilder b = new StringBuilder();
        for (WorldTask t : TASKS) {
            b.append(b.isEmpty() ? "" : ", ").append(t.id()).append(' ').append(o.taskWeight(t));
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ export

    private static void export(Parameters params, UMT5Config textConfig, WanTransformerConfig transformerConfig,
                               Options o, Path vaeDir, Path dir, DType dtype, TrainResult r, TrainConfig config,
                               String command, Map<String, Object> info, int poolSize, PrintStream log) {
        try {
            Files.createDirectories(dir);
            saveComponent(params, "transformer.", dir.resolve("transformer/diffusion_pytorch_model.safetensors"), dtype);
            Files.writeString(dir.resolve("transformer/config.json"), transformerJson(transformerConfig));
            saveComponent(params, "text_encoder.", dir.resolve("text_encoder/model.safetensors"), dtype);
            Files.writeString(dir.resolve("text_encoder/config.json"), textJson(textConfig));
            copyFiles(config.out().resolve("tokenizer"), dir.resolve("tokenizer"));
            Files.createDirectories(dir.resolve("scheduler"));
            Files.writeString(dir.resolve("scheduler/scheduler_config.json"), schedulerJson(o.flowShift()));
            Path vae = dir.resolve("vae");
            if (!vae.toAbsolutePath().normalize().equals(vaeDir.toAbsolutePath().normalize())) {
                copyFiles(vaeDir, vae);
            }
            Files.writeString(dir.resolve("model_index.json"), modelIndex());
            Files.writeString(dir.resolve("unison.json"), runDefaults(o));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export the generator to " + dir, e);
        }
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("steps", r.step());
        training.put("final_loss", r.meanRecentLoss());
        training.put("training_seconds", r.elapsed().toSeconds());
        training.put("threads", config.threads());
        training.put("seed", config.seed());
        training.put("batch", config.batch());
        training.put("lr", config.schedule().peak());
        training.put("command", command);
        training.put("parameters.transformer", count(params, "transformer."));
        training.put("parameters.text_encoder", count(params, "text_encoder."));
        training.put("pool_examples", poolSize);
        training.put("metrics", r.metrics());
        training.put("config", info);
        try {
            Files.writeString(dir.resolve("transformer/training.json"),
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(training));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training record", e);
        }
        writeCard(dir, params, textConfig, transformerConfig, o, r, config, command, info, poolSize, dtype, List.of());
        log.println("exported the generator to " + dir);
        if (o.checkSamples() > 0) {
            ModelCard.Quality q = detectorCheck(dir, o.checkSamples(), log);
            writeCard(dir, params, textConfig, transformerConfig, o, r, config, command, info, poolSize, dtype, List.of(q));
        }
    }

    /** Steps and guidance of the detector check (the shipped run defaults). */
    static final int CHECK_STEPS = 25;
    static final double CHECK_GUIDANCE = 5.0;

    /**
     * Generates {@code n} held-out text-to-image examples with the exported pipeline (UniPC, 25 steps,
     * guidance 5) and scores them with their specs (the detector: the detected scene must equal the asked one).
     */
    static ModelCard.Quality detectorCheck(Path dir, int n, PrintStream log) {
        DataGenerator data = new DataGenerator(128, 128, List.of(1));
        java.util.SplittableRandom r = new java.util.SplittableRandom(EVAL_SEED + 7);
        double sum = 0;
        int objects = 0;
        try (VacePipeline pipeline = VacePipeline.load(dir, DType.FLOAT32, new Device("cpu"))) {
            for (int i = 0; i < n; i++) {
                Example e = data.example(WorldTask.TEXT_TO_IMAGE, r.nextLong());
                Plan plan = plan(e);
                List<VacePipeline.Output> out = pipeline.generate(List.of(new VacePipeline.Request(plan, List.of(), i, null)),
                        new VacePipeline.Run(new Size(128, 128, 1), CHECK_STEPS, CHECK_GUIDANCE, "default"),
                        VacePipeline.Hooks.NONE);
                Frames f = out.get(0).frames();
                Frame frame = Frame.fromBytes(f.width(), f.height(), f.toBytes());
                double score = e.spec().score(new Media.Image(frame));
                sum += score;
                objects += ai.unison.world.Detector.detect(frame).size();
                log.printf(Locale.ROOT, "check %d: %.2f  '%s'%n", i, score, plan.prompt());
            }
        }
        String value = String.format(Locale.ROOT, "%.2f", sum / n);
        log.println("detector check (text_to_image, scene equal): " + value);
        return new ModelCard.Quality("text_to_image scene match", value, n + " held-out text_to_image prompts, UniPC "
                + CHECK_STEPS + " steps, guidance " + CHECK_GUIDANCE + ", 128×128: the detected scene equals the asked"
                + " one (shape, colour, cell); " + objects + " objects detected in all. A quick check, not ShapesEval.");
    }

    /** Copies every file of folder {@code from} into {@code to} (created if needed), replacing what is there. */
    private static void copyFiles(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** What a held-out metric of {@link #train} measures, for the model card. */
    static String metricNote(String metric) {
        String on = metric.startsWith("heldout_t2i") ? HELDOUT_T2I + " held-out text_to_image examples (half world"
                + " captions, half ShapesEval-style)" : TASKS.size() + " held-out examples (one per task)";
        String prompt = metric.endsWith("_empty_prompt") ? ", each with the empty prompt"
                : metric.endsWith("_other_prompt") ? ", each with another example's prompt" : "";
        return "flow-matching MSE on " + on + prompt + " at σ = 0.1, 0.3, …, 0.9";
    }

    /** "`command` for N steps (batch, lr, seed) in T on K CPU thread(s)" of a VAE training record. */
    private static String vaeRun(JsonNode r) {
        return "`" + r.path("command").asText() + "` for " + r.path("steps").asLong() + " steps (batch "
                + r.path("batch").asInt() + " images or one clip window, lr " + r.path("lr").asDouble() + ", seed "
                + r.path("seed").asLong() + ") in " + Trainer.format(r.path("training_seconds").asDouble()) + " on "
                + r.path("threads").asInt() + " CPU thread(s)";
    }

    /** The VAE's training record ({@link VaeTrainer#TRAINING_RECORD}) in {@code dir/vae}, or null. */
    static JsonNode vaeRecord(Path dir) {
        Path f = dir.resolve("vae").resolve(VaeTrainer.TRAINING_RECORD);
        return Files.isRegularFile(f) ? Json.readTree(f) : null;
    }

    /** Writes the pipeline's MODEL_CARD.md: the generator's training and the VAE's, plus {@code extra} quality rows. */
    static void writeCard(Path dir, Parameters params, UMT5Config textConfig, WanTransformerConfig transformerConfig,
                          Options o, TrainResult r, TrainConfig config, String command, Map<String, Object> info,
                          int poolSize, DType dtype, List<ModelCard.Quality> extra) {
        long transformer = count(params, "transformer.");
        long text = count(params, "text_encoder.");
        JsonNode vae = vaeRecord(dir);
        long vaeParams = vae == null ? 0 : vae.path("parameters").asLong();
        List<ModelCard.Quality> quality = new ArrayList<>();
        if (vae != null) {
            quality.add(new ModelCard.Quality("VAE PSNR, images", String.format(Locale.ROOT, "%.2f dB",
                    vae.path("psnr_image_db").asDouble()), "encode (posterior mean) → decode of "
                    + vae.path("eval_images").asInt() + " held-out world images (targets and attachments), 128×128"));
            quality.add(new ModelCard.Quality("VAE PSNR, clips", String.format(Locale.ROOT, "%.2f dB",
                    vae.path("psnr_clip_db").asDouble()), "the same over every frame of " + vae.path("eval_clips").asInt()
                    + " held-out clips of " + vae.path("eval_clip_frames").asInt() + " frames"));
            JsonNode ceiling = vae.path("shapes_ceiling");
            if (ceiling.has("overall")) {
                StringBuilder per = new StringBuilder();
                ceiling.fields().forEachRemaining(e -> {
                    if (!e.getKey().equals("overall")) {
                        per.append(per.isEmpty() ? "" : ", ").append(e.getKey()).append(' ')
                                .append(String.format(Locale.ROOT, "%.2f", e.getValue().asDouble()));
                    }
                });
                quality.add(new ModelCard.Quality("VAE ShapesEval ceiling", String.format(Locale.ROOT, "%.3f",
                        ceiling.get("overall").asDouble()), "ShapesEval of the ground-truth targets after encode → decode ("
                        + vae.path("shapes_ceiling_count").asInt() + " per pixel category; `./unison eval vae`): what a"
                        + " perfect transformer could score through this VAE; " + per));
            }
        }
        new TreeMap<>(r.metrics()).forEach((k, v) -> quality.add(new ModelCard.Quality(k,
                String.format(Locale.ROOT, "%.4f", v), metricNote(k))));
        quality.addAll(extra);
        Map<String, Object> cfg = new LinkedHashMap<>(info);
        cfg.put("parameters.transformer", ModelCard.parameterCount(transformer));
        cfg.put("parameters.text_encoder", ModelCard.parameterCount(text));
        if (vae != null) {
            cfg.put("parameters.vae", ModelCard.parameterCount(vaeParams));
            vae.path("config").fields().forEachRemaining(e -> cfg.put("vae." + e.getKey(), e.getValue().toString()));
        }
        StringBuilder notes = new StringBuilder();
        notes.append("Components: transformer/ (WanVACETransformer3DModel, ").append(dtype.name().toLowerCase(Locale.ROOT))
                .append("), text_encoder/ (UMT5EncoderModel, ").append(dtype.name().toLowerCase(Locale.ROOT))
                .append("), tokenizer/ (byte-level BPE: 256 bytes + <pad> 256, </s> 257")
                .append(textConfig.vocabSize() == TEXT_VOCAB ? ", no merges"
                        : ", then merges learnt from world prompts, " + textConfig.vocabSize() + " ids in all")
                .append("), vae/ (AutoencoderKLWan, ")
                .append(vae == null ? "?" : vae.path("dtype").asText())
                .append(", latents_mean/latents_std measured on world images and clips), scheduler/ (UniPC, flow_prediction,")
                .append(" use_flow_sigmas, flow_shift ").append(o.flowShift()).append("), unison.json (run defaults: 128×128,")
                .append(" max_sequence_length ").append(o.maxSequenceLength()).append(", which the text encoder was trained with).");
        if (vae != null) {
            JsonNode first = vae.has("base") ? vae.get("base") : vae;
            notes.append("\n\nVAE: trained first with ").append(vaeRun(first)).append("; final loss ")
                    .append(first.path("final_loss").asDouble()).append(" (L1 + L2 of the reconstruction + a small latent")
                    .append(" penalty).");
            if (vae.has("base")) {
                notes.append(" Then its decoder alone was fine-tuned with ").append(vaeRun(vae))
                        .append(" on latents with Gaussian noise (σ·latents_std per channel, σ uniform up to ")
                        .append(vae.path("config").path("latent_noise").asDouble()).append("); final loss ")
                        .append(vae.path("final_loss").asDouble()).append(". The encoder and latents_mean/latents_std are")
                        .append(" the first run's, so the latents the transformer was trained on are unchanged.");
            }
        }
        notes.append("\n\nGenerator objective: Wan flow matching, x_t = (1 − σ)·x0 + σ·ε, v = ε − x0, σ = shifted uniform")
                .append(" (shift ").append(o.flowShift()).append("), timestep 1000·σ; the prompt is dropped to the empty")
                .append(" negative prompt with probability ").append(o.textDropout()).append(" for classifier-free guidance.")
                .append(" VACE control latents are built by VaceInputs exactly as at inference (all-zero context videos")
                .append(" encoded once and reused). Reference frames are trained towards their own latents, as in VACE.");
        new ModelCard("unison-wan-vace-tiny",
                "The tiny generation expert for the shapes world: a Wan2.1-VACE pipeline (UMT5 text encoder, Wan-VACE"
                        + " transformer, Wan VAE) at a small width, trained by `./unison train vae` and"
                        + " `./unison train generator` on the nine generation tasks.",
                "WanVACEPipeline (WanVACETransformer3DModel + UMT5EncoderModel + AutoencoderKLWan)", cfg,
                transformer + text + vaeParams, "transformer + text_encoder " + dtype.name().toLowerCase(Locale.ROOT)
                        + ", vae " + (vae == null ? "?" : vae.path("dtype").asText()),
                "a pool of " + poolSize + " world examples (" + poolDescription(o) + "; clips of "
                        + o.seconds() + " s at 24 fps, " + o.size()
                        + "×" + o.size() + "), fresh noise, σ and prompt dropout every step",
                command, r.elapsed(), config.threads() + " CPU thread(s)", config.seed(), r.step(), r.meanRecentLoss(),
                quality, notes.toString()).write(dir);
    }

    static long count(Parameters params, String prefix) {
        return params.all().entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToLong(e -> e.getValue().numel()).sum();
    }

    /** Saves the parameters under {@code prefix} (prefix stripped) in {@code dtype}. */
    static void saveComponent(Parameters params, String prefix, Path file, DType dtype) throws IOException {
        Files.createDirectories(file.getParent());
        try (NativeScope scope = NativeScope.open(); NoGradGuard g = new NoGradGuard()) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            params.all().forEach((n, t) -> {
                if (n.startsWith(prefix)) {
                    out.put(n.substring(prefix.length()), t.detach().to(dtype.scalarType()));
                }
            });
            SafetensorsWriter.write(file, out, Map.of("format", "pt"));
        }
    }

    static String transformerJson(WanTransformerConfig c) {
        ObjectNode n = Json.CONFIG.createObjectNode();
        n.put("_class_name", "WanVACETransformer3DModel");
        n.put("_diffusers_version", "0.35.0");
        n.setAll((ObjectNode) Json.CONFIG.valueToTree(c));
        return n.toPrettyString();
    }

    static String textJson(UMT5Config c) {
        ObjectNode n = Json.CONFIG.createObjectNode();
        n.putArray("architectures").add("UMT5EncoderModel");
        n.put("model_type", "umt5");
        n.setAll((ObjectNode) Json.CONFIG.valueToTree(c));
        n.put("is_encoder_decoder", true);
        n.put("pad_token_id", 256);
        n.put("eos_token_id", 257);
        n.put("decoder_start_token_id", 256);
        n.put("num_decoder_layers", c.numLayers());
        n.put("tie_word_embeddings", false);
        n.put("torch_dtype", "float32");
        return n.toPrettyString();
    }

    static String schedulerJson(double flowShift) {
        ObjectNode n = Json.CONFIG.createObjectNode();
        n.put("_class_name", "UniPCMultistepScheduler");
        n.put("_diffusers_version", "0.35.0");
        n.put("num_train_timesteps", 1000);
        n.put("solver_order", 2);
        n.put("prediction_type", "flow_prediction");
        n.put("predict_x0", true);
        n.put("solver_type", "bh2");
        n.put("lower_order_final", true);
        n.put("use_flow_sigmas", true);
        n.put("flow_shift", flowShift);
        n.put("final_sigmas_type", "zero");
        n.put("timestep_spacing", "linspace");
        n.put("steps_offset", 0);
        return n.toPrettyString();
    }

    static String modelIndex() {
        ObjectNode n = Json.CONFIG.createObjectNode();
        n.put("_class_name", "WanVACEPipeline");
        n.put("_diffusers_version", "0.35.0");
        n.putNull("boundary_ratio");
        n.putArray("scheduler").add("diffusers").add("UniPCMultistepScheduler");
        n.putArray("text_encoder").add("transformers").add("UMT5EncoderModel");
        n.putArray("tokenizer").add("transformers").add("PreTrainedTokenizerFast");
        n.putArray("transformer").add("diffusers").add("WanVACETransformer3DModel");
        n.putArray("transformer_2").addNull().addNull();
        n.putArray("vae").add("diffusers").add("AutoencoderKLWan");
        return n.toPrettyString();
    }

    /** The pipeline's run defaults ({@link VacePipeline.Defaults}): 128×128, the training sequence length. */
    static String runDefaults(Options o) {
        ObjectNode n = Json.CONFIG.createObjectNode();
        n.put("width", o.size());
        n.put("height", o.size());
        n.put("frames", 1 + 24 * o.seconds().get(0));
        n.put("steps", 25);
        n.put("guidance", 5.0);
        n.put("negative_prompt", "");
        n.put("max_sequence_length", o.maxSequenceLength());
        n.put("conditioning_scale", 1.0);
        return n.toPrettyString();
    }
}
