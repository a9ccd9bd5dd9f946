package ai.unison.lm;

import ai.unison.io.Checkpoint;
import ai.unison.io.ConfigException;
import ai.unison.io.Json;
import ai.unison.nn.Attention;
import ai.unison.nn.Weights;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import ai.unison.vision.Qwen2VLImageProcessor;
import ai.unison.vision.Qwen2_5_VisionConfig;
import ai.unison.vision.Qwen2_5_VisionTransformer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Qwen2.5-VL ({@code Qwen2_5_VLForConditionalGeneration}): the {@link Qwen2} decoder ({@code model.*},
 * {@code lm_head}) with multimodal rotary positions, fed by the vision tower ({@code visual.*}) whose
 * merged tokens replace the {@code <|image_pad|>} / {@code <|video_pad|>} embeddings in order.
 *
 * <p>As a {@link CausalLM} it decodes text-only prompts (positions equal on the three axes); prompts
 * with images or videos go through {@link #prefill} and then decode with positions shifted by the
 * prompt's rope delta, as upstream's {@code generate} does.
 */
public final class Qwen2_5_VL implements CausalLM {
    /** The config: the text model's fields, the vision config and the vision token ids. */
    public record Config(Qwen2Config text, Qwen2_5_VisionConfig vision, long imageTokenId, long videoTokenId,
                         long visionStartTokenId, long visionEndTokenId) {

        public static Config read(Path location) {
            Path file = Files.isDirectory(location) ? location.resolve("config.json") : location;
            Qwen2Config text = Qwen2Config.read(file);
            JsonNode root = Json.readTree(file);
            JsonNode v = root.get("vision_config");
            if (v == null || !v.isObject()) {
                throw new ConfigException(file, "missing required field 'vision_config' for Qwen2.5-VL");
            }
            if (text.mropeSection() == null) {
                throw new ConfigException(file, "rope_scaling.mrope_section is required for Qwen2.5-VL");
            }
            try {
                Qwen2_5_VisionConfig vision = Json.CONFIG.treeToValue(v, Qwen2_5_VisionConfig.class);
                return new Config(text, vision, id(file, root, "image_token_id", 151655),
                        id(file, root, "video_token_id", 151656), id(file, root, "vision_start_token_id", 151652),
                        id(file, root, "vision_end_token_id", 151653));
            } catch (JsonProcessingException e) {
                throw new ConfigException(file, "vision_config: " + e.getOriginalMessage());
            }
        }

        private static long id(Path file, JsonNode root, String field, long dflt) {
            JsonNode n = root.get(field);
            if (n != null && !n.canConvertToLong()) {
                throw new ConfigException(file, "field '" + field + "' must be a token id, got " + n);
            }
            return n == null ? dflt : n.asLong();
        }

        MRopePositions.VisionTokens tokens() {
            return new MRopePositions.VisionTokens(imageTokenId, videoTokenId, visionStartTokenId);
        }
    }

    /** Processed attachments of one prompt, in the order their pad tokens appear. */
    public record Vision(List<Qwen2VLImageProcessor.Processed> images, List<Qwen2VLImageProcessor.Processed> videos,
                         List<Double> secondsPerGrid) {
        public static final Vision NONE = new Vision(List.of(), List.of(), List.of());
    }

    /** A prompt made ready for decoding: input embeddings [1, T, hidden], 3-D positions and the rope delta. */
    public record Prefill(Tensor embeds, Tensor positions, long delta) {
    }

    private final Config config;
    private final Qwen2 text;
    private final Qwen2_5_VisionTransformer visual;

    /** Builds the model over {@code weights} (a checkpoint or trainable parameters); it owns and closes them. */
    public Qwen2_5_VL(Weights weights, Config config) {
        this.config = config;
        this.text = new Qwen2(weights, config.text());
        this.visual = new Qwen2_5_VisionTransformer(config.vision(), weights);
    }

    public static Qwen2_5_VL load(Path dir, DType dtype, Device device) {
        return load(dir, null, dtype, device);
    }

    /**
     * Loads a model folder with a PEFT LoRA adapter folder merged into its weights (null: none). The
     * config must describe the merged model (e.g. the vocabulary extended by the adapter's saved
     * embedding and head).
     */
    public static Qwen2_5_VL load(Path dir, Path adapter, DType dtype, Device device) {
        Config config = Config.read(dir);
        ai.unison.nn.WeightSource source = ai.unison.nn.WeightSource.of(Checkpoint.open(dir));
        if (adapter != null) {
            source = LoraAdapter.merged(source, adapter);
        }
        Weights w = Weights.of(source, dtype, device);
        try {
            return new Qwen2_5_VL(w, config);
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
    }

    public Config config() {
        return config;
    }

    public Qwen2 text() {
        return text;
    }

    public Qwen2_5_VisionTransformer visual() {
        return visual;
    }

    /** The M-RoPE positions of one unpadded prompt. */
    public MRopePositions positions(long[] ids, Vision vision) {
        return MRopePositions.of(ids, grids(vision.images()), grids(vision.videos()), vision.secondsPerGrid(),
                config.vision().tokensPerSecondOrDefault(), config.vision().merge(), config.tokens());
    }

    /**
     * Embeddings and positions of one prompt: token embeddings with each image's and video's merged
     * vision tokens written over its pad tokens.
     */
    public Prefill prefill(long[] ids, Vision vision) {
        try (NativeScope step = NativeScope.open()) {
            MRopePositions pos = positions(ids, vision);
            Tensor embeds = text.embed(Torch.fromLongs(ids, 1, ids.length));
            embeds = scatter(embeds, ids, config.imageTokenId(), vision.images());
            embeds = scatter(embeds, ids, config.videoTokenId(), vision.videos());
            long[] flat = new long[3 * ids.length];
            for (int a = 0; a < 3; a++) {
                System.arraycopy(pos.positions()[a], 0, flat, a * ids.length, ids.length);
            }
            Tensor positions = Torch.fromLongs(flat, 3, 1, ids.length).to(text.device(), ScalarType.Long);
            return new Prefill(step.keep(embeds), step.keep(positions), pos.delta());
        }
    }

    private Tensor scatter(Tensor embeds, long[] ids, long padId, List<Qwen2VLImageProcessor.Processed> inputs) {
        if (inputs.isEmpty()) {
            return embeds;
        }
        List<Long> where = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == padId) {
                where.add((long) i);
            }
        }
        TensorVector parts = new TensorVector();
        for (Qwen2VLImageProcessor.Processed p : inputs) {
            parts.push_back(visual.forward(p.pixelValues(), new int[][]{p.gridThw()}));
        }
        Tensor features = torch.cat(parts, 0).to(embeds.scalar_type());
        if (features.size(0) != where.size()) {
            throw new IllegalArgumentException("the prompt has " + where.size() + " pad tokens (id " + padId
                    + ") but its vision inputs give " + features.size(0) + " tokens");
        }
        Tensor index = Torch.fromLongs(where.stream().mapToLong(Long::longValue).toArray(), where.size())
                .to(embeds.device(), ScalarType.Long);
        return embeds.squeeze(0).index_copy(0, index, features).unsqueeze(0);
    }

    /** The inputs a prompt with vision brings to continuous batching ({@link BatchGenerator#submit(long[], Multimodal, GenerationOptions)}). */
    public Multimodal multimodal(long[] ids, Vision vision) {
        try (NativeScope step = NativeScope.open()) {
            Prefill p = prefill(ids, vision);
            return new Multimodal(step.keep(p.embeds().squeeze(0)), step.keep(p.positions().squeeze(1)), p.delta());
        }
    }

    /** Float32 logits [1, T, vocab] of one prompt with its vision inputs, without a cache. */
    public Tensor forwardLogits(long[] ids, Vision vision) {
        try (NativeScope step = NativeScope.open()) {
            Prefill p = prefill(ids, vision);
            return step.keep(text.logits(text.forward(p.embeds(), p.positions(), Attention.Mask.CAUSAL, null, null)));
        }
    }

    /** The last hidden states [1, T, hidden] (after the final norm) of one prompt: what the Unison projector reads. */
    public Tensor lastHiddenStates(long[] ids, Vision vision) {
        try (NativeScope step = NativeScope.open()) {
            Prefill p = prefill(ids, vision);
            return step.keep(text.forward(p.embeds(), p.positions(), Attention.Mask.CAUSAL, null, null));
        }
    }

    @Override
    public Tensor lastHiddenStates(long[] ids) {
        return lastHiddenStates(ids, Vision.NONE);
    }

    @Override
    public int hiddenSize() {
        return text.hiddenSize();
    }

    /**
     * Greedy decoding of one prompt with vision inputs through a one-slot KV cache: the prompt's
     * prefill, then each new token at cache position + delta on all three axes. Returns the new ids.
     */
    public long[] generateGreedy(long[] ids, Vision vision, int maxNewTokens, long eosId) {
        try (KVCache cache = newCache(1, ids.length + maxNewTokens); NativeScope scope = NativeScope.open()) {
            int slot = cache.acquire();
            Prefill p = prefill(ids, vision);
            KVCache.Step first = cache.step(new int[]{slot}, new int[]{ids.length});
            Tensor hidden = text.forward(p.embeds(), p.positions(), first.mask(), first, null);
            first.commit();
            List<Long> out = new ArrayList<>();
            long next = text.logits(hidden.select(1, ids.length - 1)).argmax().item_long();
            out.add(next);
            while (out.size() < maxNewTokens && next != eosId) {
                try (NativeScope step = NativeScope.open()) {
                    KVCache.Step s = cache.step(new int[]{slot}, new int[]{1});
                    Tensor pos = s.positions().add(Torch.scalar(p.delta())).unsqueeze(0).expand(3, -1, -1);
                    Tensor h = text.forward(text.embed(Torch.fromLongs(new long[]{next}, 1, 1)), pos, s.mask(), s, null);
                    s.commit();
                    next = text.logits(h.select(1, 0)).argmax().item_long();
                    out.add(next);
                }
            }
            return out.stream().mapToLong(Long::longValue).toArray();
        }
    }

    private static List<int[]> grids(List<Qwen2VLImageProcessor.Processed> items) {
        return items.stream().map(Qwen2VLImageProcessor.Processed::gridThw).toList();
    }

    @Override
    public int vocabSize() {
        return text.vocabSize();
    }

    @Override
    public int maxPositions() {
        return text.maxPositions();
    }

    @Override
    public KVCache newCache(int slots, int maxLength) {
        return text.newCache(slots, maxLength);
    }

    /** A text-only step: the three position axes are equal, as upstream's fallback for text. */
    @Override
    public Tensor stepLogits(Tensor inputIds, KVCache.Step step) {
        return stepLogits(inputIds, step, new Multimodal.Row[step.batch()]);
    }

    /**
     * A step with rows that carry vision inputs: a prefilling row's embeddings and 3-D positions replace
     * its tokens' (see {@link #multimodal}); a decoding row adds its rope delta to its positions.
     */
    @Override
    public Tensor stepLogits(Tensor inputIds, KVCache.Step step, Multimodal.Row[] rows) {
        Tensor embeds = text.embed(inputIds);
        Tensor pos = step.positions().unsqueeze(0).expand(3, -1, -1);
        boolean any = false;
        for (Multimodal.Row r : rows) {
            any |= r != null;
        }
        if (any) {
            pos = pos.clone();
            for (Multimodal.Row r : rows) {
                if (r == null) {
                    continue;
                }
                Tensor segment = pos.narrow(2, r.offset(), r.count());
                if (r.prefill()) {
                    if (r.inputs().length() != r.count()) {
                        throw new IllegalArgumentException("a prefill of " + r.count() + " tokens got vision inputs for "
                                + r.inputs().length());
                    }
                    embeds.narrow(1, r.offset(), r.count()).copy_(r.inputs().embeds().unsqueeze(0));
                    segment.copy_(r.inputs().positions().unsqueeze(1));
                } else if (r.inputs().delta() != 0) {
                    segment.add_(new org.bytedeco.pytorch.Scalar(r.inputs().delta()));
                }
            }
        }
        Tensor hidden = text.forward(embeds, pos, step.mask(), step, null).view(-1, config.text().hiddenSize());
        Tensor last = step.tokens() == step.batch() ? hidden : hidden.index_select(0, step.lastTokenIndex());
        return text.logits(last).cpu();
    }

    @Override
    public void close() {
        visual.close();
        text.close();
    }
}
