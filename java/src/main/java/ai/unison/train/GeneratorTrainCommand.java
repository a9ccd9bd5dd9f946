package ai.unison.train;

import ai.unison.diffusion.wan.AutoencoderKLWanConfig;
import ai.unison.diffusion.wan.WanTransformerConfig;
import ai.unison.world.WorldTask;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code unison train generator}: trains the tiny UMT5 + Wan-VACE transformer ({@link GeneratorTrainer}) over
 * a trained VAE and, when all steps are done, exports the diffusers pipeline folder (default
 * {@code models/wan-vace-tiny}).
 */
@Command(name = "generator", mixinStandardHelpOptions = true,
        description = "Train the tiny generation expert (UMT5 + WanVACETransformer3DModel, flow matching) on the nine"
                + " shapes-world generation tasks over a trained VAE; export the WanVACEPipeline folder.")
public final class GeneratorTrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TrainOptions train = new TrainOptions().out(Path.of("runs/gen")).steps(3000).batch(8).lr(5e-4)
            .checkpointEvery(200).dtype("bfloat16");

    @Option(names = "--vae", paramLabel = "DIR", required = true, description = "the trained VAE component folder")
    Path vae;

    @Option(names = "--export", paramLabel = "DIR",
            description = "the pipeline folder to write (default: models/wan-vace-tiny)")
    Path export;

    @Option(names = "--images-per-task", paramLabel = "N", description = "pooled examples per image task (default: ${DEFAULT-VALUE})")
    int imagesPerTask = GeneratorTrainer.Options.defaults().imagesPerTask();

    @Option(names = "--videos-per-task", paramLabel = "N", description = "pooled examples per video task (default: ${DEFAULT-VALUE})")
    int videosPerTask = GeneratorTrainer.Options.defaults().videosPerTask();

    @Option(names = "--seconds", paramLabel = "S", split = ",", description = "clip durations drawn from (default: 1)")
    List<Integer> seconds = GeneratorTrainer.Options.defaults().seconds();

    @Option(names = "--flow-shift", paramLabel = "S", description = "flow shift of training σ and the scheduler (default: ${DEFAULT-VALUE})")
    double flowShift = GeneratorTrainer.Options.defaults().flowShift();

    @Option(names = "--token-budget", paramLabel = "N", description = "transformer tokens per step (default: ${DEFAULT-VALUE})")
    int tokenBudget = GeneratorTrainer.Options.defaults().tokenBudget();

    @Option(names = "--layers", paramLabel = "N", description = "transformer layers (default: ${DEFAULT-VALUE})")
    int layers = 4;

    @Option(names = "--heads", paramLabel = "N", description = "transformer heads (default: ${DEFAULT-VALUE})")
    int heads = 4;

    @Option(names = "--head-dim", paramLabel = "N", description = "transformer head width (default: ${DEFAULT-VALUE})")
    int headDim = 48;

    @Option(names = "--patch", paramLabel = "N",
            description = "transformer patch side in latent pixels (default: 16 / the VAE's spatial factor, one token per"
                    + " 16x16 pixels); patch² · z_dim should stay below heads · head-dim")
    Integer patch;

    @Option(names = "--check", paramLabel = "N",
            description = "text-to-image samples to generate and score with the detector after export (default: ${DEFAULT-VALUE})")
    int check = GeneratorTrainer.Options.defaults().checkSamples();

    @Option(names = "--object-weight", paramLabel = "W",
            description = "extra flow-loss weight of latent positions unlike the background, 0 for plain MSE (default: ${DEFAULT-VALUE})")
    double objectWeight = GeneratorTrainer.Options.defaults().objectWeight();

    @Option(names = "--pool", paramLabel = "TASK=N",
            description = "pooled examples of one task (e.g. text_to_image=2000), overriding --images-per-task /"
                    + " --videos-per-task; repeatable")
    Map<String, Integer> pool = new LinkedHashMap<>();

    @Option(names = "--task-weight", paramLabel = "TASK=W",
            description = "how often a step trains on one task relative to the others (default 1 each); repeatable")
    Map<String, Double> taskWeight = new LinkedHashMap<>();

    @Option(names = "--eval-style-share", paramLabel = "F",
            description = "share of the text_to_image pool drawn from ShapesEval's text-to-image categories with"
                    + " training seeds (default: ${DEFAULT-VALUE})")
    double evalStyleShare = GeneratorTrainer.Options.defaults().evalStyleShare();

    @Option(names = "--merges", paramLabel = "N",
            description = "byte-level BPE merges of a new run's UMT5 tokenizer, learnt from world prompts so that its"
                    + " words become single tokens; 0 keeps one token per byte; a resumed run keeps its tokenizer"
                    + " (default: ${DEFAULT-VALUE})")
    int merges = 0;

    @Option(names = "--init", paramLabel = "DIR",
            description = "warm start from a generator checkpoint folder or exported pipeline: every tensor whose"
                    + " name and shape match is copied (e.g. all but the text embedding after a tokenizer change)")
    Path init;

    @Option(names = "--text-dropout", paramLabel = "P",
            description = "probability that a training example's prompt is replaced by the empty one, for"
                    + " classifier-free guidance (default: ${DEFAULT-VALUE})")
    double textDropout = GeneratorTrainer.Options.defaults().textDropout();

    @Option(names = "--max-sequence-length", paramLabel = "N",
            description = "UMT5 tokens per prompt, padding included; prompts are cut there and the pipeline's"
                    + " unison.json records it (default: ${DEFAULT-VALUE})")
    int maxSequenceLength = GeneratorTrainer.Options.defaults().maxSequenceLength();

    @Option(names = "--eval-every", paramLabel = "N", description = "steps between held-out loss evaluations (default: ${DEFAULT-VALUE})")
    int evalEvery = 250;

    /** A TASK=value map keyed by the generation tasks' ids; an unknown id is a usage error naming the option. */
    private <V> Map<WorldTask, V> byTask(Map<String, V> values, String option) {
        Map<WorldTask, V> out = new EnumMap<>(WorldTask.class);
        values.forEach((id, v) -> {
            WorldTask task = GeneratorTrainer.TASKS.stream().filter(t -> t.id().equals(id)).findFirst()
                    .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(), option + ": '" + id
                            + "' is not a generation task (one of " + GeneratorTrainer.TASKS.stream()
                            .map(WorldTask::id).toList() + ")"));
            out.put(task, v);
        });
        return out;
    }

    @Override
    public Integer call() {
        Path dir = export != null ? export
                : Path.of(System.getProperty("unison.home", ".")).toAbsolutePath().normalize().resolve("models/wan-vace-tiny");
        String command = "./unison " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        if (maxSequenceLength < 1 || maxSequenceLength > 512) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-sequence-length must be in [1, 512], got "
                    + maxSequenceLength);
        }
        GeneratorTrainer.Options d = GeneratorTrainer.Options.defaults();
        GeneratorTrainer.Options o = new GeneratorTrainer.Options(d.size(), seconds, imagesPerTask, videosPerTask,
                maxSequenceLength, flowShift, textDropout, tokenBudget, check, objectWeight,
                byTask(pool, "--pool"), byTask(taskWeight, "--task-weight"), evalStyleShare);
        if (merges < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--merges must be >= 0, got " + merges);
        }
        TrainConfig config = train.config().build();
        var text = GeneratorTrainer.tinyTextConfig(GeneratorTrainer.runTokenizer(config.out(), merges));
        AutoencoderKLWanConfig vaeConfig = AutoencoderKLWanConfig.read(vae.resolve("config.json"));
        WanTransformerConfig transformer;
        try {
            transformer = GeneratorTrainer.transformerConfig(vaeConfig.zDim(), vaeConfig.spatialFactor(),
                    patch != null ? patch : 16 / vaeConfig.spatialFactor(), text.dModel(), heads, headDim, layers,
                    4 * heads * headDim);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--patch " + patch + ": " + e.getMessage());
        }
        int perToken = transformer.patchSize().get(1) * transformer.patchSize().get(2) * vaeConfig.zDim();
        if (perToken > heads * headDim) {
            System.err.println("warning: a token carries " + perToken + " latent values (patch " + transformer.patchSize()
                    + " × z_dim " + vaeConfig.zDim() + ") but the transformer has " + heads * headDim + " dimensions: it"
                    + " cannot pass the noisy latents through, and its flow prediction keeps an error floor (use a"
                    + " smaller --patch or more --heads / --head-dim)");
        }
        TrainResult r = GeneratorTrainer.train(config, text, transformer, o, vae, init, dir,
                train.exportDType(), evalEvery, command.strip(), System.out);
        System.out.println(r.finished() ? "generator exported to " + dir
                : "stopped at step " + r.step() + "; continue with --resume");
        return 0;
    }
}
