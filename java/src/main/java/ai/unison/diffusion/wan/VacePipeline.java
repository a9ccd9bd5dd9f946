package ai.unison.diffusion.wan;

import ai.unison.api.Frames;
import ai.unison.api.Plan;
import ai.unison.api.Size;
import ai.unison.diffusion.DenoiserConditioning;
import ai.unison.diffusion.DenoisingLoop;
import ai.unison.diffusion.Guidance;
import ai.unison.diffusion.Noise;
import ai.unison.diffusion.schedulers.NoiseSource;
import ai.unison.diffusion.schedulers.Scheduler;
import ai.unison.diffusion.schedulers.Schedulers;
import ai.unison.io.ConfigException;
import ai.unison.io.Json;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import ai.unison.text.Tokenizer;
import ai.unison.text.UMT5EncoderModel;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Unison's generation expert: Wan2.1-VACE over a diffusers folder ({@code transformer/}, {@code vae/},
 * {@code text_encoder/}, {@code tokenizer/}, {@code scheduler/}; optionally Unison's projector in
 * {@code proj_mlp/} and our run defaults in {@code unison.json}). One call runs a batch of requests of
 * equal size, frames and settings as diffusers' {@code WanVACEPipeline} does one:
 *
 * <ol>
 *   <li>encode: UMT5 prompt embeddings (padded to {@code max_sequence_length}, positions past the prompt
 *       zeroed) for the prompts and the negative prompt, plus the projector's 4 tokens from the planner's
 *       hidden states when both are present; VACE control latents per request ({@link VaceInputs});</li>
 *   <li>denoise: seeded noise per request, the scheduler (the folder's UniPC flow by default), one
 *       transformer call per step with the unconditional and conditional passes batched;</li>
 *   <li>decode: the reference frames dropped, latents de-normalised and decoded by the VAE, frames as
 *       uint8 RGB.</li>
 * </ol>
 */
public final class VacePipeline implements AutoCloseable {
    /**
     * Our run defaults for a folder, from {@code unison.json}; the Wan2.1 values when absent. {@code guidance_interval}
     * {@code [start, end]} (default {@code [0, 1]}) is the part of the schedule guidance applies to, {@code
     * guidance_rescale} (default 0) the rescale factor of {@link Guidance}.
     */
    public record Defaults(int width, int height, int frames, int steps, double guidance, String negativePrompt,
                           int maxSequenceLength, double conditioningScale, double guidanceStart, double guidanceEnd,
                           double guidanceRescale) {
        public static final Defaults WAN = new Defaults(832, 480, 81, 50, 5.0, "", 512, 1.0, 0, 1, 0);

        static Defaults read(Path root) {
            Path file = root.resolve("unison.json");
            if (!Files.isRegularFile(file)) {
                return WAN;
            }
            JsonNode n = Json.readTree(file);
            JsonNode interval = n.path("guidance_interval");
            if (!interval.isMissingNode() && !(interval.isArray() && interval.size() == 2 && interval.get(0).isNumber()
                    && interval.get(1).isNumber())) {
                throw new ConfigException(file, "guidance_interval must be [start, end], two numbers, got " + interval);
            }
            Defaults d = new Defaults(
                    n.path("width").asInt(WAN.width), n.path("height").asInt(WAN.height),
                    n.path("frames").asInt(WAN.frames), n.path("steps").asInt(WAN.steps),
                    n.path("guidance").asDouble(WAN.guidance), n.path("negative_prompt").asText(WAN.negativePrompt),
                    n.path("max_sequence_length").asInt(WAN.maxSequenceLength),
                    n.path("conditioning_scale").asDouble(WAN.conditioningScale),
                    interval.isMissingNode() ? WAN.guidanceStart : interval.get(0).asDouble(),
                    interval.isMissingNode() ? WAN.guidanceEnd : interval.get(1).asDouble(),
                    n.path("guidance_rescale").asDouble(WAN.guidanceRescale));
            if (d.width < 16 || d.height < 16 || d.frames < 1 || d.steps < 1 || d.maxSequenceLength < 1
                    || !(d.guidance >= 0)) {
                throw new ConfigException(file, "run defaults out of range: " + d);
            }
            try { // Guidance owns what an interval and a rescale may be
                Guidance.none().withInterval(d.guidanceStart, d.guidanceEnd);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file, "guidance_interval: " + e.getMessage());
            }
            try {
                Guidance.none().withRescale(d.guidanceRescale);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file, "guidance_rescale: " + e.getMessage());
            }
            return d;
        }
    }

    /** One request of a batch: the plan, its attachments' pixels, and the projector input (may be null). */
    public record Request(Plan plan, List<Frames> attachments, long seed, Tensor plannerHidden) {
        public Request {
            Objects.requireNonNull(plan, "plan");
            attachments = List.copyOf(attachments);
        }
    }

    /** How a batch runs. {@code guidance} 0 or 1 runs without the unconditional pass. */
    public record Run(Size size, int steps, double guidance, String scheduler) {
        public Run {
            Objects.requireNonNull(size, "size");
            if (!size.complete()) {
                throw new IllegalArgumentException("size " + size + " is incomplete");
            }
        }
    }

    /** Per-stage hooks: stage changes, step progress (false stops), and per-row failures. */
    public interface Hooks {
        Hooks NONE = new Hooks() { };

        default void stage(String stage) {
        }

        default boolean step(int done, int total) {
            return true;
        }
    }

    /** A request's result: frames, or why it failed alone; notes say what was adapted. */
    public record Output(Frames frames, RuntimeException error, List<String> notes) {
        public boolean ok() {
            return error == null;
        }
    }

    private final Path root;
    private final WanVACETransformer3DModel transformer;
    private final AutoencoderKLWan vae;
    private final UMT5EncoderModel textEncoder;
    private final Tokenizer tokenizer;
    private final ProjMLP projector;
    private final Path schedulerConfig;
    private final String schedulerClass;
    private final double flowShift;
    /** The negative prompt's conditioning [1, L (+ 4), D], made on first use (the expert's thread). */
    private Tensor negative;
    private final Defaults defaults;
    /** Latents of the all-zero context videos by shape (most requests' context is empty). */
    private final ZeroLatentCache zeros;

    private VacePipeline(Path root, WanVACETransformer3DModel transformer, AutoencoderKLWan vae,
                         UMT5EncoderModel textEncoder, Tokenizer tokenizer, ProjMLP projector, Path schedulerConfig,
                         Defaults defaults) {
        this.root = root;
        this.transformer = transformer;
        this.vae = vae;
        this.textEncoder = textEncoder;
        this.tokenizer = tokenizer;
        this.projector = projector;
        this.schedulerConfig = schedulerConfig;
        JsonNode cfg = Json.readTree(schedulerConfig);
        this.schedulerClass = cfg.path("_class_name").asText();
        this.flowShift = cfg.path("flow_shift").asDouble(1.0);
        this.defaults = defaults;
        this.zeros = new ZeroLatentCache(vae, 32);
    }

    /**
     * Loads every component of a VACE folder; a missing one is a {@link ConfigException} naming the folder,
     * the component and the expected file.
     */
    public static VacePipeline load(Path root, DType dtype, Device device) {
        WanModelFolder folder = WanModelFolder.of(root);
        Path scheduler = folder.schedulerConfig();
        Schedulers.fromConfig(scheduler);
        Defaults defaults = Defaults.read(root);
        List<AutoCloseable> loaded = new ArrayList<>();
        try {
            Tokenizer tokenizer = Tokenizer.load(folder.tokenizer());
            loaded.add(tokenizer);
            WanVACETransformer3DModel transformer = folder.vaceTransformer(dtype, device);
            loaded.add(transformer);
            AutoencoderKLWan vae = folder.vae(DType.FLOAT32, device);
            loaded.add(vae);
            UMT5EncoderModel text = folder.textEncoder(dtype, device);
            loaded.add(text);
            ProjMLP projector = null;
            if (Files.isDirectory(root.resolve("proj_mlp"))) {
                projector = ProjMLP.load(folder.weightsComponent("proj_mlp"), dtype, device);
                loaded.add(projector);
            }
            if (transformer.config().textDim() != text.config().dModel()) {
                throw new ConfigException(root, "transformer text_dim " + transformer.config().textDim()
                        + " does not match text_encoder d_model " + text.config().dModel());
            }
            if (transformer.config().inChannels() != vae.config().zDim()) {
                throw new ConfigException(root, "transformer in_channels " + transformer.config().inChannels()
                        + " does not match vae z_dim " + vae.config().zDim());
            }
            int f = vae.config().spatialFactor();
            int vaceIn = 2 * vae.config().zDim() + f * f;
            if (transformer.config().vaceInChannels() != vaceIn) {
                throw new ConfigException(root, "transformer vace_in_channels " + transformer.config().vaceInChannels()
                        + " should be 2·z_dim + " + f + "² = " + vaceIn);
            }
            return new VacePipeline(root, transformer, vae, text, tokenizer, projector, scheduler, defaults);
        } catch (RuntimeException | Error e) {
            for (AutoCloseable c : loaded) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    public Path root() {
        return root;
    }

    /** The text encoder's tokenizer. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public Defaults defaults() {
        return defaults;
    }

    public WanVACETransformer3DModel transformer() {
        return transformer;
    }

    public AutoencoderKLWan vae() {
        return vae;
    }

    public boolean hasProjector() {
        return projector != null;
    }

    /** The planner hidden size the projector reads, 0 without a projector. */
    public int projectorInputs() {
        return projector == null ? 0 : projector.config().inDim();
    }

    /** Pixels per side step the model accepts: VAE spatial factor × transformer patch. */
    public int sizeMultiple() {
        return vae.config().spatialFactor() * transformer.config().patchSize().get(1);
    }

    /** The VAE's temporal factor: videos have 1 + factor·k frames. */
    public int temporalFactor() {
        return vae.config().temporalFactor();
    }

    /** A scheduler by name: {@code default} / the folder's class or alias is the folder's config; others get its flow settings. */
    public Scheduler scheduler(String name) {
        String cls = Schedulers.aliases().getOrDefault(name.toLowerCase(Locale.ROOT), name);
        if (name.equals("default") || cls.equals(schedulerClass)) {
            return Schedulers.fromConfig(schedulerConfig);
        }
        Map<String, Object> flow = new HashMap<>();
        if (cls.equals("FlowMatchEulerDiscreteScheduler")) {
            flow.put("shift", flowShift);
        } else {
            flow.put("prediction_type", "flow_prediction");
            flow.put("use_flow_sigmas", true);
            flow.put("flow_shift", flowShift);
        }
        return Schedulers.create(name, flow);
    }

    /** The short name of the folder's scheduler ({@code unipc} for Wan), else its class name. */
    public String schedulerName() {
        for (Map.Entry<String, String> e : Schedulers.aliases().entrySet()) {
            if (e.getValue().equals(schedulerClass)) {
                return e.getKey();
            }
        }
        return schedulerClass;
    }

    /**
     * Runs a batch. Every request is prepared on its own (a bad attachment fails that request alone),
     * the prepared ones are denoised together and decoded. Returns one output per request, in order, or
     * null when {@code hooks.step} stopped the run.
     */
    public List<Output> generate(List<Request> requests, Run run, Hooks hooks) {
        int n = requests.size();
        Output[] outputs = new Output[n];
        List<Integer> rows = new ArrayList<>();
        try (NativeScope scope = NativeScope.open()) {
            hooks.stage("encode");
            List<Tensor> controls = new ArrayList<>();
            List<List<String>> notes = new ArrayList<>();
            int refs = -1;
            for (int i = 0; i < n; i++) {
                Request r = requests.get(i);
                try (NativeScope one = NativeScope.open(); VaceInputs in = VaceInputs.forTask(r.plan(), r.attachments(), run.size())) {
                    if (refs >= 0 && in.referenceFrames() != refs) {
                        throw new IllegalArgumentException("request has " + in.referenceFrames() + " reference images,"
                                + " its batch " + refs + "; batch requests with equal reference counts");
                    }
                    Tensor control = one.keep(in.controlLatents(vae, zeros));
                    refs = in.referenceFrames();
                    controls.add(control);
                    notes.add(in.notes());
                    rows.add(i);
                } catch (RuntimeException e) {
                    outputs[i] = new Output(null, e, List.of());
                }
            }
            if (rows.isEmpty()) {
                return List.of(outputs);
            }
            List<String> prompts = new ArrayList<>();
            List<Tensor> hidden = new ArrayList<>();
            long[] seeds = new long[rows.size()];
            for (int k = 0; k < rows.size(); k++) {
                Request r = requests.get(rows.get(k));
                prompts.add(r.plan().prompt());
                hidden.add(r.plannerHidden());
                seeds[k] = r.seed();
            }
            Tensor cond = textConditioning(prompts, hidden);
            Tensor control = torch.cat(new TensorVector(controls.toArray(Tensor[]::new)), 0)
                    .to(transformer.device(), transformer.dtype().scalarType());

            hooks.stage("denoise");
            long[] controlShape = Torch.shape(control);
            long[] sample = {transformer.config().inChannels(), controlShape[2], controlShape[3], controlShape[4]};
            Tensor latents;
            try (Scheduler scheduler = scheduler(run.scheduler()); Noise noise = Noise.seeded(seeds)) {
                scheduler.setTimesteps(run.steps());
                Tensor init = noise.initialLatents(scheduler, sample, ScalarType.Float, transformer.device());
                latents = denoise(scheduler, init, 0, cond, control, run, noise, hooks, null);
            } catch (java.util.concurrent.CancellationException e) {
                return null;
            }

            hooks.stage("decode");
            Tensor frames = decode(latents.narrow(2, refs, latents.size(2) - refs));
            for (int k = 0; k < rows.size(); k++) {
                outputs[rows.get(k)] = new Output(toFrames(frames.select(0, k)), null, notes.get(k));
            }
            return List.of(outputs);
        }
    }

    /**
     * The denoising loop over this folder's transformer: {@code init} (normalised latents [B, z, T, h, w], float32, at
     * the noise level of step {@code firstStep} of {@code scheduler}'s schedule for {@code run.steps()}) denoised under
     * the text conditioning {@code cond} and the VACE control latents {@code control}, with {@code run.guidance()}
     * and this folder's guidance interval and rescale against its negative prompt. {@code noise} feeds stochastic
     * schedulers; {@code hooks.step} returning false cancels ({@link java.util.concurrent.CancellationException});
     * {@code observer} (may be null) sees every step. Returns the final latents (float32) in the caller's scope.
     */
    public Tensor denoise(Scheduler scheduler, Tensor init, int firstStep, Tensor cond, Tensor control, Run run,
                          NoiseSource noise, Hooks hooks, DenoisingLoop.Observer observer) {
        Guidance guidance = run.guidance() > 1.0
                ? Guidance.of(run.guidance()).withInterval(defaults.guidanceStart, defaults.guidanceEnd)
                        .withRescale(defaults.guidanceRescale)
                : Guidance.none();
        boolean cfg = guidance.enabled();
        long batch = init.size(0);
        Tensor uncond = cfg ? negativeConditioning().expand(batch, -1, -1) : null;
        boolean[] stopped = {false};
        DenoisingLoop.Builder builder = DenoisingLoop.builder(scheduler).steps(run.steps())
                .guidance(guidance)
                .noise(noise)
                .firstStep(firstStep)
                .progress((done, total, t) -> stopped[0] |= !hooks.step(done, total))
                .cancelWhen(() -> stopped[0]);
        if (observer != null) {
            builder.observer(observer);
        }
        double scale = defaults.conditioningScale;
        return builder.build().run((x, t, c) -> transformer.forward(x.to(transformer.dtype().scalarType()), t,
                        c.get("text"), c.get("control"), scale).to(ScalarType.Float),
                init, DenoiserConditioning.of(Map.of("text", cond, "control", control)),
                cfg ? DenoiserConditioning.of(Map.of("text", uncond, "control", control)) : null);
    }

    /** Latents [B, z, T, h, w] (normalised) → video [B, 3, F, H, W] in [-1, 1] (float32). */
    public Tensor decode(Tensor latents) {
        try (NativeScope scope = NativeScope.open()) {
            Tensor z = vae.denormalizeLatents(latents.to(ScalarType.Float));
            return scope.keep(vae.decode(z).to(ScalarType.Float).cpu());
        }
    }

    /**
     * The text conditioning [B, L (+ 4), D]: UMT5 prompt embeddings of the cleaned prompts padded to
     * {@code max_sequence_length}, followed by the projector's tokens when this folder has one (zeros for
     * a request without planner hidden states, and for the negative prompt).
     */
    public Tensor textConditioning(List<String> prompts, List<Tensor> plannerHidden) {
        try (NativeScope scope = NativeScope.open()) {
            int len = defaults.maxSequenceLength;
            int b = prompts.size();
            PromptIds t = tokenize(tokenizer, prompts, len);
            Tensor embeds = textEncoder.promptEmbeds(Torch.fromLongs(t.ids(), b, len), Torch.fromLongs(t.mask(), b, len))
                    .to(transformer.dtype().scalarType());
            if (projector != null) {
                List<Tensor> tokens = new ArrayList<>();
                for (int i = 0; i < b; i++) {
                    Tensor h = plannerHidden == null ? null : plannerHidden.get(i);
                    tokens.add(h == null
                            ? torch.zeros(new long[] {1, projector.config().numTokens(), projector.config().outDim()},
                                    Torch.options(transformer.dtype().scalarType()))
                            : projector.forward(h.dim() == 2 ? h.unsqueeze(0) : h, null));
                }
                embeds = ProjMLP.appendAfter(embeds, torch.cat(new TensorVector(tokens.toArray(Tensor[]::new)), 0));
            }
            return scope.keep(embeds.to(transformer.device(), transformer.dtype().scalarType()));
        }
    }

    /** The negative prompt's conditioning [1, L (+ 4), D], computed once and owned by this pipeline. */
    private Tensor negativeConditioning() {
        if (negative == null) {
            try (NativeScope scope = NativeScope.open()) {
                negative = NativeScope.own(textConditioning(List.of(defaults.negativePrompt), null));
            }
        }
        return negative;
    }

    /** Token ids and attention mask of a batch of prompts, each {@code [B·L]} row-major. */
    public record PromptIds(long[] ids, long[] mask, int length) {}

    /**
     * The UMT5 input as the Wan pipelines make it: each prompt cleaned, tokenised with the tokenizer's
     * special tokens, truncated to {@code maxLength} and padded with the pad token (id 0 without one).
     * Trainers use this too, so that training and inference see the same ids.
     */
    public static PromptIds tokenize(Tokenizer tokenizer, List<String> prompts, int maxLength) {
        int b = prompts.size();
        long[] ids = new long[b * maxLength];
        long[] mask = new long[b * maxLength];
        int pad = tokenizer.padToken().flatMap(tokenizer::tokenId).orElse(0);
        for (int i = 0; i < b; i++) {
            long[] tok = tokenizer.encode(clean(prompts.get(i)), true);
            int m = Math.min(tok.length, maxLength);
            for (int j = 0; j < maxLength; j++) {
                ids[i * maxLength + j] = j < m ? tok[j] : pad;
                mask[i * maxLength + j] = j < m ? 1 : 0;
            }
        }
        return new PromptIds(ids, mask, maxLength);
    }

    /** diffusers' prompt_clean: HTML entities unescaped, whitespace collapsed, trimmed. */
    public static String clean(String prompt) {
        String s = prompt.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'");
        return s.replaceAll("\\s+", " ").strip();
    }

    /** One video [3, F, H, W] in [-1, 1] → uint8 frames, as diffusers' postprocess: round((x/2 + 0.5)·255). */
    public static Frames toFrames(Tensor video) {
        try (NativeScope scope = NativeScope.open()) {
            long[] s = Torch.shape(video);
            Tensor u8 = video.div(Torch.scalar(2)).add(Torch.scalar(0.5)).clamp(
                    new org.bytedeco.pytorch.ScalarOptional(Torch.scalar(0)),
                    new org.bytedeco.pytorch.ScalarOptional(Torch.scalar(1)))
                    .mul(Torch.scalar(255)).round().to(ScalarType.Byte).permute(1, 2, 3, 0).contiguous();
            return Frames.of((int) s[1], (int) s[2], (int) s[3], 3, Torch.toBytes(u8));
        }
    }

    @Override
    public void close() {
        zeros.close();
        transformer.close();
        vae.close();
        textEncoder.close();
        tokenizer.close();
        if (projector != null) {
            projector.close();
        }
        if (negative != null) {
            negative.close();
        }
    }
}
