package ai.unison.cli;

import ai.unison.diffusion.wan.AutoencoderKLWan;
import ai.unison.plan.LmPlanner;
import ai.unison.runtime.DType;
import ai.unison.plan.PlannerEval;
import ai.unison.plan.PlanningData;
import ai.unison.train.VaeCeiling;
import ai.unison.train.WorldPlanning;
import ai.unison.world.Report;
import ai.unison.world.ShapesEval;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code unison eval MODEL}: scores a shipped model on an evaluation file. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a model on a data file.",
        subcommands = {EvalCommand.Planner.class, EvalShapesCommand.class, EvalCommand.Vae.class, EvalCommand.Sampling.class,
                CommandLine.HelpCommand.class})
final class EvalCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** A ShapesEval canvas side: a multiple of 16 in 32..1024, else a usage error naming {@code --size}. */
    static void checkCanvas(CommandLine.Model.CommandSpec spec, int size) {
        if (size < 32 || size > 1024 || size % 16 != 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--size must be a multiple of 16 in 32..1024, got " + size);
        }
    }

    @Command(name = "planner", mixinStandardHelpOptions = true,
            description = "Plan every request of a JSONL file (PlannerEval's format), or of the shapes-world evaluation set,"
                    + " and print the metrics table.")
    static final class Planner implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--data", paramLabel = "FILE", description = "JSONL: request, attachments, signal or task")
        Path data;

        @Option(names = "--world", paramLabel = "N",
                description = "instead of --data: N shapes-world requests per task and N ShapesEval-style requests per"
                        + " category, with evaluation seeds no trainer draws (WorldPlanning.evalSet)")
        Integer world;

        @Option(names = "--planner", paramLabel = "DIR", description = "planner model folder (default: models/planner-tiny)")
        Path planner;

        @Option(names = "--failures", description = "also print each request whose plan was not fully right")
        boolean failures;

        @Option(names = "--batch", defaultValue = "32", description = "requests decoded together (default: ${DEFAULT-VALUE})")
        int batch;

        @picocli.CommandLine.Mixin
        RuntimeOptions runtime = new RuntimeOptions();

        @Override
        public Integer call() {
            if ((data == null) == (world == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give exactly one of --data FILE and --world N");
            }
            if (world != null && world < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--world must be >= 1, got " + world);
            }
            Path file = data;
            if (world != null) {
                try {
                    file = Files.createTempFile("unison-world-planning", ".jsonl");
                    file.toFile().deleteOnExit();
                    Files.write(file, WorldPlanning.evalSet(world).stream().map(PlanningData.Example::toJsonLine).toList());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the world evaluation set", e);
                }
            }
            try (LmPlanner p = PlanCommand.open(planner, runtime, batch)) {
                PlannerEval.Report report = p.evaluate(file);
                System.out.print(report.table());
                if (failures) {
                    report.failures().forEach(System.out::println);
                }
                return 0;
            }
        }
    }

    @Command(name = "vae", mixinStandardHelpOptions = true,
            description = "Score the ground-truth targets of ShapesEval's pixel categories after a VAE's encode → decode:"
                    + " the ceiling a perfect transformer could reach through that VAE.")
    static final class Vae implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--vae", paramLabel = "DIR", description = "VAE component folder (default: models/wan-vace-tiny/vae)")
        Path vae;

        @Option(names = "--n", defaultValue = "8", description = "examples per category (default: ${DEFAULT-VALUE})")
        int n;

        @Option(names = "--seed", description = "example seed (default: ShapesEval's)")
        Long seed;

        @Option(names = "--size", defaultValue = "128", paramLabel = "PX",
                description = "canvas side, a multiple of 16 (default: ${DEFAULT-VALUE})")
        int size;

        @Option(names = "--latent-noise", defaultValue = "0", paramLabel = "S",
                description = "add Gaussian noise of S x latents_std to every latent before decoding: the decoder's"
                        + " robustness to a generator's slightly-off latents (default: ${DEFAULT-VALUE})")
        double latentNoise;

        @picocli.CommandLine.Mixin
        RuntimeOptions runtime = new RuntimeOptions();

        @Override
        public Integer call() {
            if (!(latentNoise >= 0 && latentNoise <= ai.unison.train.VaeTrainer.MAX_LATENT_NOISE)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--latent-noise must be in [0, "
                        + (int) ai.unison.train.VaeTrainer.MAX_LATENT_NOISE + "], got " + latentNoise);
            }
            if (n < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--n must be >= 1, got " + n);
            }
            checkCanvas(spec, size);
            Path dir = vae != null ? vae : Home.models().resolve("wan-vace-tiny/vae");
            if (!Files.isRegularFile(dir.resolve("config.json"))) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--vae " + dir + ": no config.json there");
            }
            org.bytedeco.pytorch.Device device = runtime.apply();
            try (AutoencoderKLWan model = AutoencoderKLWan.load(dir, DType.FLOAT32, device)) {
                Report r = VaeCeiling.evaluate(model, n, seed != null ? seed : ShapesEval.DEFAULT_SEED, size,
                        latentNoise);
                System.out.print(r.table());
            }
            return 0;
        }
    }

    @Command(name = "sampling", mixinStandardHelpOptions = true,
            description = "Probe where a generator's sampling goes wrong: ShapesEval-style text-to-image scenes are noised"
                    + " to each start sigma and denoised from there by the expert folder's pipeline (sigma 1: ordinary"
                    + " generation), scored by the detector beside the ground truth through the VAE; for the run from"
                    + " pure noise, every step's x0 estimate is scored too.")
    static final class Sampling implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--expert", paramLabel = "DIR", description = "expert folder (default: models/wan-vace-tiny)")
        Path expert;

        @Option(names = "--n", defaultValue = "7", description = "scenes, the seven text-to-image categories in turn"
                + " (default: ${DEFAULT-VALUE})")
        int n;

        @Option(names = "--seed", description = "scene and noise seed (default: ShapesEval's)")
        Long seed;

        @Option(names = "--starts", paramLabel = "S,S,...", split = ",",
                description = "noise levels to start from, each in (0, 1] (default: 1, 0.9, 0.8, 0.6, 0.4, 0.2)")
        double[] starts;

        @Option(names = "--guidance", paramLabel = "G", description = "guidance scale (default: the folder's unison.json)")
        Double guidance;

        @Option(names = "--size", paramLabel = "PX",
                description = "canvas side, a multiple of 16 (default: the folder's unison.json width)")
        Integer size;

        @Option(names = "--out", paramLabel = "DIR",
                description = "also write per scene the x0 estimates along the run from pure noise and the result of"
                        + " each start, as PNG strips")
        Path out;

        @picocli.CommandLine.Mixin
        RuntimeOptions runtime = new RuntimeOptions();

        @Override
        public Integer call() {
            if (n < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--n must be >= 1, got " + n);
            }
            double[] from = starts != null ? starts : ai.unison.train.SamplingProbe.DEFAULT_STARTS;
            try {
                ai.unison.train.SamplingProbe.checkStarts(from);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--starts: " + e.getMessage());
            }
            if (guidance != null && !(guidance >= 0 && guidance <= 100)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--guidance must be in [0, 100], got "
                        + guidance);
            }
            if (size != null) {
                checkCanvas(spec, size);
            }
            Path dir = expert != null ? expert : Home.models().resolve("wan-vace-tiny");
            org.bytedeco.pytorch.Device device = runtime.apply();
            try (ai.unison.diffusion.wan.VacePipeline pipeline = ai.unison.diffusion.wan.VacePipeline.load(dir,
                    runtime.dtype(), device)) {
                ai.unison.train.SamplingProbe.Result r = ai.unison.train.SamplingProbe.run(pipeline, n,
                        seed != null ? seed : ShapesEval.DEFAULT_SEED, size != null ? size : pipeline.defaults().width(),
                        guidance != null ? guidance : pipeline.defaults().guidance(), from, out);
                System.out.print(r.table());
            }
            return 0;
        }
    }
}
