package ai.unison.train;

import ai.unison.api.Input;
import ai.unison.io.Json;
import ai.unison.lm.Qwen2;
import ai.unison.lm.Qwen2_5_VL;
import ai.unison.nn.Attention;
import ai.unison.plan.LmPlanner;
import ai.unison.plan.PlanLimits;
import ai.unison.plan.PlannerEval;
import ai.unison.plan.PlanningData;
import ai.unison.plan.RequestText;
import ai.unison.plan.VisionAnswer;
import ai.unison.runtime.DType;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Threads;
import ai.unison.runtime.Torch;
import ai.unison.text.ChatTemplate;
import ai.unison.text.Tokenizer;
import ai.unison.vision.Qwen2VLImageProcessor;
import ai.unison.world.DataGenerator;
import ai.unison.world.Example;
import ai.unison.world.Media;
import ai.unison.world.WorldTask;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Turns the tiny text planner into a tiny Qwen2.5-VL: the same decoder (warm-started from a trained
 * planner folder) plus a small vision tower and merger, trained on a mixture of planning
 * ({@link PlanningData}, text only, exactly as {@link PlannerTrainer}) and understanding with
 * attachments (shapes-world image and video questions and captions, prompts built by
 * {@link VisionAnswer#prompt} as at inference). One model then plans every request and answers
 * understanding requests looking at their images and videos, as in Unison.
 */
public final class VlPlannerTrainer {
    /** Held-out world understanding examples come from this seed (training uses others). */
    static final long EVAL_SEED = 20_250_777L;

    private VlPlannerTrainer() {
    }

    /** The processor's default lower bound on an image's area (Qwen2-VL's 56×56): a 128×128 image becomes 140×140. */
    static final int DEFAULT_MIN_PIXELS = 56 * 56;

    /**
     * The {@code min_pixels} a run uses: {@code requested} when positive, else the one of {@code init}'s
     * {@code preprocessor_config.json} (a VL planner being continued keeps its input resolution), else
     * {@link #DEFAULT_MIN_PIXELS}.
     */
    static int minPixels(Path init, int requested) {
        if (requested > 0) {
            return requested;
        }
        Path pre = init.resolve("preprocessor_config.json");
        return Files.isRegularFile(pre) ? Json.readTree(pre).path("min_pixels").asInt(DEFAULT_MIN_PIXELS) : DEFAULT_MIN_PIXELS;
    }

    /**
     * The vision tower's size: {@code depth} blocks of width {@code hidden} (heads of 48, MLP 2×, full attention in
     * every second block, windows elsewhere). {@link #DEFAULT} is the shipped planner's tower.
     */
    record Tower(int depth, int hidden) {
        static final Tower DEFAULT = new Tower(2, 96);

        Tower {
            if (depth < 1 || depth > 32 || hidden < 48 || hidden % 48 != 0) {
                throw new IllegalArgumentException("vision tower: depth 1..32 and a width that is a multiple of 48 (heads"
                        + " of 48), got depth " + depth + ", width " + hidden);
            }
        }

        /**
         * The tower a run builds: {@code requested} when given, else {@code init}'s own (a VL planner being
         * continued keeps its tower), else {@link #DEFAULT}.
         */
        static Tower of(Path init, Tower requested) {
            if (requested != null) {
                return requested;
            }
            JsonNode v = Json.readTree(init.resolve("config.json")).path("vision_config");
            return v.isMissingNode() ? DEFAULT : new Tower(v.path("depth").asInt(), v.path("hidden_size").asInt());
        }
    }

    /** {@link #writeConfig(Path, Path, int, Tower)} with the default tower. */
    static void writeConfig(Path textConfig, Path dir, int minPixels) {
        writeConfig(textConfig, dir, minPixels, Tower.DEFAULT);
    }

    /**
     * Writes the tiny VL config (the text planner's fields + M-RoPE, vision tokens, vision tower) and the processor
     * config with {@code minPixels} (a larger value upscales the world's small images before patching, so that an
     * object spans more 14-pixel patches).
     */
    static void writeConfig(Path textConfig, Path dir, int minPixels, Tower tower) {
        ObjectNode root = (ObjectNode) Json.readTree(textConfig).deepCopy();
        int hidden = root.path("hidden_size").asInt();
        int heads = root.path("num_attention_heads").asInt();
        int half = hidden / heads / 2;
        int a = half / 4;
        int b = (half - a) / 2;
        root.put("model_type", "qwen2_5_vl");
        root.putArray("architectures").add("Qwen2_5_VLForConditionalGeneration");
        root.put("max_position_embeddings", Math.max(1024, root.path("max_position_embeddings").asInt()));
        ObjectNode rope = root.putObject("rope_scaling");
        rope.put("type", "mrope");
        ArrayNode section = rope.putArray("mrope_section");
        section.add(a).add(b).add(half - a - b);
        root.put("vision_start_token_id", 256 + PlannerTrainer.SPECIAL.indexOf("<|vision_start|>"));
        root.put("vision_end_token_id", 256 + PlannerTrainer.SPECIAL.indexOf("<|vision_end|>"));
        root.put("vision_token_id", 256 + PlannerTrainer.SPECIAL.indexOf("<|vision_pad|>"));
        root.put("image_token_id", 256 + PlannerTrainer.SPECIAL.indexOf("<|image_pad|>"));
        root.put("video_token_id", 256 + PlannerTrainer.SPECIAL.indexOf("<|video_pad|>"));
        ObjectNode v = root.putObject("vision_config");
        v.put("depth", tower.depth());
        v.put("hidden_size", tower.hidden());
        v.put("intermediate_size", 2 * tower.hidden());
        v.put("num_heads", tower.hidden() / 48);
        v.put("out_hidden_size", hidden);
        v.put("in_channels", 3);
        v.put("patch_size", 14);
        v.put("spatial_merge_size", 2);
        v.put("temporal_patch_size", 2);
        v.put("window_size", 56);
        ArrayNode full = v.putArray("fullatt_block_indexes");
        for (int i = 1; i < tower.depth(); i += 2) {
            full.add(i);
        }
        if (tower.depth() == 1) {
            full.add(0);
        }
        v.put("tokens_per_second", 2);
        v.put("hidden_act", "silu");
        ObjectNode pre = Json.MAPPER.createObjectNode();
        pre.put("image_processor_type", "Qwen2VLImageProcessor");
        pre.put("do_resize", true);
        pre.put("do_rescale", true);
        pre.put("do_normalize", true);
        pre.put("do_convert_rgb", true);
        pre.putArray("image_mean").add(0.48145466).add(0.4578275).add(0.40821073);
        pre.putArray("image_std").add(0.26862954).add(0.26130258).add(0.27577711);
        pre.put("min_pixels", minPixels);
        pre.put("max_pixels", 200704);
        pre.put("patch_size", 14);
        pre.put("merge_size", 2);
        pre.put("temporal_patch_size", 2);
        pre.put("resample", 3);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), root.toPrettyString());
            Files.writeString(dir.resolve("preprocessor_config.json"), pre.toPrettyString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the VL config into " + dir, e);
        }
    }

    /** One world understanding example with attachments, from a training seed: an image or a video question alike. */
    static Example understanding(DataGenerator data, long seed) {
        return understanding(data, seed, Mix.EVEN_VIDEO);
    }

    /**
     * One world understanding example with attachments, a video question with probability {@code videoShare}; at the
     * even split the seed's parity decides, as it did before the share could be set, so earlier runs stay reproducible.
     */
    static Example understanding(DataGenerator data, long seed, double videoShare) {
        boolean video = videoShare == Mix.EVEN_VIDEO ? (seed & 1) == 1
                : new java.util.SplittableRandom(seed).nextDouble() < videoShare;
        return data.example(video ? WorldTask.VIDEO_UNDERSTANDING : WorldTask.IMAGE_UNDERSTANDING, seed);
    }

    /** Names of the training-only dense head's parameters start with this; they are not exported. */
    static final String DENSE_PREFIX = "dense.";

    /** Whether a parameter goes into the exported model (everything but the training-only dense head). */
    static boolean exported(String name) {
        return !name.startsWith(DENSE_PREFIX);
    }

    /**
     * A linear head that learns {@link VisionTargets} (colour, shape, grid cell per merged vision token); training only.
     * It reads the vision tokens' positions of the decoder's hidden state entering layer {@code layer} (the layer
     * count: after the final norm), or with {@link #TOWER} the vision tower's merged tokens themselves. The tower has
     * only relative (rotary) positions, so a token's grid cell is hard to know there; in the decoder the vision
     * tokens' M-RoPE positions are relative to {@code <|vision_start|>}, which gives them. {@code weight} scales the
     * mean cross-entropy against the answer loss.
     */
    record DenseHead(Tensor colourWeight, Tensor colourBias, Tensor shapeWeight, Tensor shapeBias, Tensor cellWeight,
                     Tensor cellBias, int layer, double weight) {
        /** {@link #layer} of a head on the vision tower's merged tokens. */
        static final int TOWER = -1;

        static DenseHead create(Parameters params, Rng rng, int hidden, int layer, double weight) {
            double std = 1.0 / Math.sqrt(hidden);
            return new DenseHead(
                    params.normal(DENSE_PREFIX + "colour.weight", std, rng, VisionTargets.COLOURS, hidden),
                    params.zeros(DENSE_PREFIX + "colour.bias", VisionTargets.COLOURS),
                    params.normal(DENSE_PREFIX + "shape.weight", std, rng, VisionTargets.SHAPES, hidden),
                    params.zeros(DENSE_PREFIX + "shape.bias", VisionTargets.SHAPES),
                    params.normal(DENSE_PREFIX + "cell.weight", std, rng, VisionTargets.CELLS, hidden),
                    params.zeros(DENSE_PREFIX + "cell.bias", VisionTargets.CELLS),
                    layer, weight);
        }

        /** The weighted loss of merged tokens {@code features} [tokens, hidden] against {@code targets}. */
        Tensor loss(Tensor features, VisionTargets targets) {
            if (features.size(0) != targets.tokens()) {
                throw new IllegalStateException("the prompt has " + features.size(0) + " vision tokens, the targets "
                        + targets.tokens());
            }
            Tensor[] logits = logits(features);
            Tensor loss = ce(logits[0], targets.colour()).add(ce(logits[1], targets.shape()));
            if (java.util.Arrays.stream(targets.cell()).anyMatch(c -> c != VisionTargets.IGNORE)) {
                loss = loss.add(ce(logits[2], targets.cell()));
            }
            return loss.mul(Torch.scalar(weight));
        }

        /** Colour, shape and cell logits of each row of {@code features}. */
        private Tensor[] logits(Tensor features) {
            Tensor x = features.to(ScalarType.Float);
            return new Tensor[]{x.matmul(colourWeight.t()).add(colourBias), x.matmul(shapeWeight.t()).add(shapeBias),
                    x.matmul(cellWeight.t()).add(cellBias)};
        }

        /** The arg-max colour, shape and cell per row of {@code features}. */
        long[][] predict(Tensor features) {
            Tensor[] heads = logits(features);
            long[][] out = new long[3][];
            for (int h = 0; h < 3; h++) {
                out[h] = Torch.toLongs(heads[h].argmax(new org.bytedeco.pytorch.LongOptional(1), false).contiguous());
            }
            return out;
        }

        private static Tensor ce(Tensor logits, long[] labels) {
            return torch.cross_entropy_loss(logits, Torch.fromLongs(labels, labels.length),
                    new org.bytedeco.pytorch.TensorOptional(), 1 /* mean */, VisionTargets.IGNORE, 0.0);
        }
    }

    /** A world example's request prepared as the engine prepares it, and its attachments as in-memory pixels. */
    record Attached(RequestText.Prepared request, List<Input> inputs) {
        static Attached of(Example e) {
            List<Input> inputs = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (Media m : e.query().attachments()) {
                inputs.add(Input.pixels(Media.pixels(m)));
                names.add(m instanceof Media.Video ? "clip.mp4" : "image.png");
            }
            return new Attached(RequestText.prepare(e.query().text(), names), inputs);
        }
    }

    /**
     * The answer loss of one understanding example (mean over the answer tokens and {@code <|im_end|>}) plus, when
     * {@code dense} is not null, its dense loss over every merged token of every attachment.
     */
    static Tensor visionLoss(Qwen2_5_VL model, Tokenizer tokenizer, Qwen2VLImageProcessor processor, Example e,
                             DenseHead dense) {
        Attached a = Attached.of(e);
        RequestText.Prepared prepared = a.request();
        String answer = ((Media.Text) e.target()).text() + ChatTemplate.IM_END;
        VisionAnswer.VisionPrompt p = VisionAnswer.prompt(model.config(), tokenizer, processor, prepared, a.inputs(), answer);
        long[] ids = p.ids();
        int answerTokens = tokenizer.encode(answer).length;
        long[] labels = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            labels[i] = i >= ids.length - answerTokens ? ids[i] : -100;
        }
        Qwen2_5_VL.Prefill prefill = model.prefill(ids, p.vision());
        List<Tensor> states = dense != null && dense.layer() != DenseHead.TOWER ? new ArrayList<>() : null;
        Tensor hidden = model.text().forward(prefill.embeds(), prefill.positions(), Attention.Mask.CAUSAL, null, states);
        Tensor loss = Qwen2.causalLmLoss(model.text().logits(hidden), Torch.fromLongs(labels, 1, ids.length));
        if (dense != null) {
            for (DenseRows rows : denseRows(model, processor, e, p, prefill, states, dense.layer())) {
                loss = loss.add(dense.loss(rows.features(), rows.targets()));
            }
        }
        return loss;
    }

    /** One attachment's vision-token rows [tokens, hidden] of the head's input, and their targets. */
    record DenseRows(Tensor features, VisionTargets targets) {}

    /**
     * Per attachment of {@code e} (prompt {@code p}), the rows of what a dense head at {@code layer} reads: the
     * decoder's hidden state entering that layer ({@code states} from {@link Qwen2#forward}), or with
     * {@link DenseHead#TOWER} the prompt's embeddings, which at the vision tokens are the tower's merged tokens.
     */
    static List<DenseRows> denseRows(Qwen2_5_VL model, Qwen2VLImageProcessor processor, Example e,
                                     VisionAnswer.VisionPrompt p, Qwen2_5_VL.Prefill prefill, List<Tensor> states,
                                     int layer) {
        Tensor source = (layer == DenseHead.TOWER ? prefill.embeds() : states.get(layer)).squeeze(0);
        int temporal = model.config().vision().temporalPatch();
        int patch = model.config().vision().patch();
        int merge = processor.mergeSize();
        long[] ids = p.ids();
        List<Long> imagePads = positionsOf(ids, model.config().imageTokenId());
        List<Long> videoPads = positionsOf(ids, model.config().videoTokenId());
        int image = 0;
        int video = 0;
        int imageAt = 0;
        int videoAt = 0;
        List<DenseRows> out = new ArrayList<>();
        for (Media m : e.query().attachments()) {
            boolean isVideo = m instanceof Media.Video;
            Qwen2VLImageProcessor.Processed processed = isVideo
                    ? p.vision().videos().get(video++) : p.vision().images().get(image++);
            int tokens = processed.tokens(merge);
            List<Long> where = isVideo ? videoPads.subList(videoAt, videoAt + tokens)
                    : imagePads.subList(imageAt, imageAt + tokens);
            if (isVideo) {
                videoAt += tokens;
            } else {
                imageAt += tokens;
            }
            Tensor index = Torch.fromLongs(where.stream().mapToLong(Long::longValue).toArray(), tokens);
            out.add(new DenseRows(source.index_select(0, index), VisionTargets.of(VisionTargets.seenFrames(m, temporal),
                    processed.gridThw(), patch, merge, temporal)));
        }
        return out;
    }

    /**
     * The dense head's accuracy on held-out examples over the tokens an object covers: colour, shape and grid cell
     * (whether the model's inputs carry what the head is taught; a head that reads them well but answers that stay
     * wrong point at the decoder's reading, not at the tower).
     */
    static Map<String, Double> denseAccuracy(Qwen2_5_VL model, Tokenizer tokenizer, Qwen2VLImageProcessor processor,
                                             DenseHead dense, List<Example> heldout) {
        long[] right = new long[3];
        long objects = 0;
        try (ai.unison.runtime.NativeScope scope = ai.unison.runtime.NativeScope.open();
             org.bytedeco.pytorch.NoGradGuard noGrad = new org.bytedeco.pytorch.NoGradGuard()) {
            for (Example e : heldout) {
                Attached a = Attached.of(e);
                VisionAnswer.VisionPrompt p = VisionAnswer.prompt(model.config(), tokenizer, processor,
                        a.request(), a.inputs(), null);
                Qwen2_5_VL.Prefill prefill = model.prefill(p.ids(), p.vision());
                List<Tensor> states = dense.layer() == DenseHead.TOWER ? null : new ArrayList<>();
                model.text().forward(prefill.embeds(), prefill.positions(), Attention.Mask.CAUSAL, null, states);
                for (DenseRows rows : denseRows(model, processor, e, p, prefill, states, dense.layer())) {
                    long[][] predicted = dense.predict(rows.features());
                    VisionTargets t = rows.targets();
                    for (int i = 0; i < t.tokens(); i++) {
                        if (t.colour()[i] == 0) {
                            continue;
                        }
                        objects++;
                        right[0] += predicted[0][i] == t.colour()[i] ? 1 : 0;
                        right[1] += predicted[1][i] == t.shape()[i] ? 1 : 0;
                        right[2] += predicted[2][i] == t.cell()[i] ? 1 : 0;
                    }
                }
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        double n = Math.max(1, objects);
        m.put("dense_colour", right[0] / n);
        m.put("dense_shape", right[1] / n);
        m.put("dense_cell", right[2] / n);
        return m;
    }

    private static List<Long> positionsOf(long[] ids, long id) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == id) {
                out.add((long) i);
            }
        }
        return out;
    }

    /** The planning loss of a text-only batch: as {@link PlannerTrainer}, with the three M-RoPE axes equal. */
    static Tensor planningLoss(Qwen2_5_VL model, Tokenizer tokenizer, List<PlanningData.Example> examples) {
        PlannerTrainer.Batch batch = PlannerTrainer.batch(tokenizer, examples, model.maxPositions());
        long b = batch.ids().size(0);
        long t = batch.ids().size(1);
        Tensor pos = torch.arange(Torch.scalar(t), Torch.options(ScalarType.Long)).unsqueeze(0).expand(b, t)
                .unsqueeze(0).expand(3, b, t).contiguous();
        return Qwen2.causalLmLoss(model.text().forwardLogits(batch.ids(), batch.mask(), pos), batch.labels());
    }

    /** Understanding accuracy (exact match after the world's normalisation) on held-out examples. */
    static double understandingAccuracy(LmPlanner planner, List<Example> heldout) {
        int right = 0;
        for (Example e : heldout) {
            Attached a = Attached.of(e);
            String answer = planner.answerWithVision(a.request(), a.inputs());
            right += e.spec().score(new Media.Text(answer)) >= 1.0 ? 1 : 0;
        }
        return heldout.isEmpty() ? Double.NaN : (double) right / heldout.size();
    }

    /**
     * Trains per {@code config} from the text planner in {@code init} and, when all steps are done,
     * exports the VL planner into {@code export}.
     *
     * @param visionShare how many of each step's {@code batch} examples are understanding with attachments
     */
    public static TrainResult train(TrainConfig config, Path init, int visionShare, Path export, DType exportDType,
                                    int evalEvery, int evalSize, String command, PrintStream log) {
        return train(config, init, new Mix(visionShare, 0, 0), 0, null, 0, null, null, export, exportDType, evalEvery, evalSize,
                command, log);
    }

    /**
     * What each step's batch is made of: {@code vision} understanding examples with attachments, {@code text}
     * shapes-world questions without attachments (answered in the plan: arithmetic, durations, shapes; {@link
     * WorldPlanning#textQuestions}), and the rest planning examples, of which the share {@code world} comes from
     * shapes-world and ShapesEval-style requests ({@link WorldPlanning#mix}); of the {@code vision} examples the share
     * {@code video} are video questions, the rest image questions and captions.
     */
    public record Mix(int vision, int text, double world, double video) {
        /** The default split of the vision examples: half of them video questions. */
        public static final double EVEN_VIDEO = 0.5;

        public Mix(int vision, int text, double world) {
            this(vision, text, world, EVEN_VIDEO);
        }

        /** Throws, naming the field, unless the shares fit a batch of {@code batch}. */
        void check(int batch) {
            if (vision < 0 || text < 0 || vision + text > batch) {
                throw new IllegalArgumentException("the vision share (" + vision + ") and the text-question share (" + text
                        + ") must be >= 0 and together at most the batch size " + batch);
            }
            if (!(world >= 0 && world <= 1)) {
                throw new IllegalArgumentException("world share must be in [0, 1], got " + world);
            }
            if (!(video >= 0 && video <= 1)) {
                throw new IllegalArgumentException("video share must be in [0, 1], got " + video);
            }
        }
    }

    /**
     * As {@link #train(TrainConfig, Path, int, Path, DType, int, int, String, PrintStream)}, with each step's batch
     * made as {@code mix} says, and the processor's {@code min_pixels} set to {@code minPixels} (0: see
     * {@link #minPixels}), and, when {@code denseWeight} is positive, a {@link DenseHead} trained beside the answers with
     * that weight (not exported) on the decoder's hidden state entering layer {@code denseLayer} (null: the middle
     * layer; {@link DenseHead#TOWER}: the vision tower's merged tokens). Parameters of {@code init} whose names
     * {@code reset} matches (null: none) are not loaded but initialised afresh (e.g. {@code visual\..*}: a new
     * vision tower on a trained decoder).
     */
    public static TrainResult train(TrainConfig config, Path init, Mix mix, int minPixels,
                                    Tower tower, double denseWeight, Integer denseLayer, java.util.regex.Pattern reset, Path export,
                                    DType exportDType, int evalEvery, int evalSize, String command, PrintStream log) {
        mix.check(config.batch());
        int visionShare = mix.vision();
        double worldShare = mix.world();  // of the planning examples that are not text questions
        Path out = config.out();
        Path modelDir = out.resolve("model");
        Path heldout = out.resolve("heldout.jsonl");
        int pixels = minPixels(init, minPixels);
        Tower built = Tower.of(init, tower);
        writeConfig(init.resolve("config.json"), modelDir, pixels, built);
        try {
            PlannerTrainer.copyTokenizer(init, modelDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the tokenizer of " + init, e);
        }
        PlanningData.write(heldout, evalSize, PlannerTrainer.EVAL_SEED, PlanningData.Split.HELDOUT);
        Threads.set(config.threads());
        DataGenerator world = new DataGenerator(DataGenerator.DEFAULT_SIZE, DataGenerator.DEFAULT_SIZE, List.of(1, 2));
        List<Example> heldoutWorld = new ArrayList<>();
        for (int i = 0; i < Math.max(2, evalSize / 4); i++) {
            heldoutWorld.add(understanding(world, DataGeneratorSeeds.mix(EVAL_SEED, i)));
        }
        Qwen2_5_VL.Config vlConfig = Qwen2_5_VL.Config.read(modelDir);
        int headLayer = denseLayer(vlConfig.text().numHiddenLayers(), denseLayer);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("text", "Qwen2 decoder of " + init.getFileName() + " (hidden " + vlConfig.text().hiddenSize() + ", "
                + vlConfig.text().numHiddenLayers() + " layers, vocab " + vlConfig.text().vocabSize() + ")");
        info.put("mrope_section", java.util.Arrays.toString(vlConfig.text().mropeSection()));
        info.put("vision", "depth " + built.depth() + ", hidden " + built.hidden() + ", " + built.hidden() / 48
                + " heads, patch 14, merge 2 → " + vlConfig.vision().outHiddenSize());
        info.put("min_pixels", pixels + (pixels > DEFAULT_MIN_PIXELS ? " (small images are upscaled to this area)" : ""));
        info.put("vision_share", visionShare + " of " + config.batch() + " examples per step");
        if (mix.video() != Mix.EVEN_VIDEO) {
            info.put("video_share", mix.video() + " of the vision examples are video questions (the rest image questions"
                    + " and captions)");
        }
        if (mix.text() > 0) {
            info.put("text_share", mix.text() + " of " + config.batch() + " examples per step: shapes-world questions"
                    + " without attachments, answered in the plan");
        }
        if (worldShare > 0) {
            info.put("world_share", worldShare + " of the planning examples");
        }
        if (reset != null) {
            info.put("reset", "parameters of the init model matching " + reset.pattern() + " initialised afresh");
        }
        if (denseWeight > 0) {
            info.put("dense_weight", denseWeight + " × the cross-entropy of a training-only head predicting each merged"
                    + " vision token's colour, shape and grid cell (VisionTargets) from "
                    + (headLayer == DenseHead.TOWER ? "the vision tower's merged tokens"
                    : "the decoder's hidden state at the vision tokens entering layer " + headLayer));
        }
        try (Tokenizer tokenizer = Tokenizer.load(modelDir);
             Parameters params = Parameters.load(initWeights(init), name -> reset == null || !reset.matcher(name).matches());
             Rng rng = new Rng(config.seed());
             Qwen2_5_VL model = new Qwen2_5_VL(params.weights(rng, ParameterInit.standard(0.02)), vlConfig);
             LmPlanner planner = new LmPlanner(model, tokenizer, PlanLimits.DEFAULTS, 32, model.maxPositions(), 64, false)) {
            DenseHead dense = denseWeight > 0
                    ? DenseHead.create(params, rng, vlConfig.text().hiddenSize(), headLayer, denseWeight) : null;
            Qwen2VLImageProcessor processor = Qwen2VLImageProcessor.load(modelDir);
            planner.withVision(processor);
            TrainResult r = new Trainer(config, params).info(info).log(log)
                    .eval(evalEvery, step -> {
                        Map<String, Double> m = new LinkedHashMap<>();
                        PlannerEval.Report report = planner.evaluate(heldout);
                        m.put("task_accuracy", report.task().accuracy());
                        m.put("full_plan", report.fullPlan().accuracy());
                        m.put("understanding", understandingAccuracy(planner, heldoutWorld));
                        if (dense != null) {
                            m.putAll(denseAccuracy(model, tokenizer, processor, dense, heldoutWorld));
                        }
                        return m;
                    })
                    .run((step, stepRng) -> {
                        long seed = Trainer.stepSeed(config.seed(), step);
                        int planning = config.batch() - visionShare;
                        List<PlanningData.Example> textOnly = new ArrayList<>(
                                WorldPlanning.mix(planning - mix.text(), seed, worldShare));
                        textOnly.addAll(WorldPlanning.textQuestions(mix.text(), seed));
                        Tensor loss = planning == 0 ? null
                                : planningLoss(model, tokenizer, textOnly).mul(Torch.scalar(planning));
                        for (int i = 0; i < visionShare; i++) {
                            Tensor l = visionLoss(model, tokenizer, processor,
                                    understanding(world, DataGeneratorSeeds.mix(seed, 1000 + i), mix.video()), dense);
                            loss = loss == null ? l : loss.add(l);
                        }
                        return loss.div(Torch.scalar(config.batch()));
                    });
            if (r.finished() && export != null) {
                export(params, modelDir, export, exportDType, r, config, command, info, evalSize, heldoutWorld.size());
            }
            return r;
        }
    }

    /**
     * Where a dense head reads in a decoder of {@code layers} layers: {@code requested}, or the middle layer when null;
     * {@link DenseHead#TOWER} (-1) to {@code layers} (after the final norm), else an error naming the range.
     */
    static int denseLayer(int layers, Integer requested) {
        int layer = requested == null ? layers / 2 : requested;
        if (layer < DenseHead.TOWER || layer > layers) {
            throw new IllegalArgumentException("the dense head's layer must be " + DenseHead.TOWER + " (the vision tower)"
                    + " to " + layers + " (after the final norm) for a " + layers + "-layer decoder, got " + layer);
        }
        return layer;
    }

    /** The planner's weights file. */
    private static Path initWeights(Path init) {
        Path f = init.resolve("model.safetensors");
        if (!Files.isRegularFile(f)) {
            throw new ai.unison.io.ConfigException(init, "no model.safetensors: --init must be a trained text planner folder");
        }
        return f;
    }

    private static void export(Parameters params, Path modelDir, Path dir, DType dtype, TrainResult r, TrainConfig config,
                               String command, Map<String, Object> info, int evalSize, int worldSize) {
        try {
            Files.createDirectories(dir);
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    if (f.getFileName().toString().endsWith(".json") || f.getFileName().toString().endsWith(".safetensors")) {
                        Files.delete(f);
                    }
                }
            }
            params.save(dir.resolve("model.safetensors"), dtype, Map.of(), VlPlannerTrainer::exported);
            for (String f : List.of("config.json", "preprocessor_config.json", "tokenizer.json", "tokenizer_config.json")) {
                Files.copy(modelDir.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export the VL planner to " + dir, e);
        }
        List<ModelCard.Quality> quality = new ArrayList<>();
        r.metrics().forEach((k, v) -> quality.add(new ModelCard.Quality(k, String.format(Locale.ROOT, "%.3f", v),
                k.equals("understanding") ? "on " + worldSize + " held-out shapes-world image/video questions and captions (seed "
                        + EVAL_SEED + ")"
                        : k.startsWith("dense_") ? "the training-only dense head, over the vision tokens an object covers in"
                        + " the attachments of the same " + worldSize + " held-out examples"
                        : "on " + evalSize + " PlanningData examples from held-out templates")));
        new ModelCard("unison-planner-tiny",
                "A tiny Qwen2.5-VL: plans every request (text with <IMGPAD>/<VIDPAD> in, signal tokens or answer out,"
                        + " grammar-constrained) and answers understanding requests looking at their images and videos.",
                "Qwen2_5_VLForConditionalGeneration", info,
                params.all().entrySet().stream().filter(en -> exported(en.getKey()))
                        .mapToLong(en -> en.getValue().numel()).sum(),
                "model.safetensors, " + dtype.name().toLowerCase(Locale.ROOT),
                "PlanningData train-split templates plus shapes-world image/video understanding (DataGenerator), fresh each step",
                command, r.elapsed(), Threads.get() + " CPU thread(s)", config.seed(), r.step(), r.meanRecentLoss(),
                quality, "Planning reads the request text only (placeholders); understanding answers with attachments use"
                        + " the vision tower, prompts as VisionAnswer builds them.")
                .write(dir);
    }

    /** Seeds for world examples, independent of the planning data's. */
    static final class DataGeneratorSeeds {
        private DataGeneratorSeeds() {
        }

        static long mix(long seed, long i) {
            long z = seed * 0x9E3779B97F4A7C15L + (i + 1) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 29);
        }
    }
}
