package ai.unison.train;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code unison train vl-planner}: turns a trained text planner into the tiny Qwen2.5-VL planner
 * ({@link VlPlannerTrainer}) and, when all steps are done, exports it (default: over
 * {@code models/planner-tiny}).
 */
@Command(name = "vl-planner", mixinStandardHelpOptions = true,
        description = "Add a vision tower to a trained tiny planner and train planning + image/video understanding.")
public final class VlPlannerTrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TrainOptions train = new TrainOptions().out(Path.of("runs/vl-planner")).steps(1500).batch(8).lr(5e-4)
            .checkpointEvery(100);

    @Option(names = "--init", paramLabel = "DIR", description = "the trained text planner (default: models/planner-tiny)")
    Path init;

    @Option(names = "--vision-share", paramLabel = "N", description = "understanding examples with attachments per step (default: ${DEFAULT-VALUE})")
    int visionShare = 4;

    @Option(names = "--text-share", paramLabel = "N",
            description = "shapes-world questions without attachments (arithmetic, durations, shapes, ...) per step, answered"
                    + " in the plan; taken from the planning examples (default: ${DEFAULT-VALUE})")
    int textShare = 0;

    @Option(names = "--video-share", paramLabel = "F",
            description = "share of the --vision-share examples that are video questions, the rest image questions and"
                    + " captions (default: ${DEFAULT-VALUE})")
    double videoShare = VlPlannerTrainer.Mix.EVEN_VIDEO;

    @Option(names = "--world-share", paramLabel = "F",
            description = "share of the planning examples drawn from shapes-world and ShapesEval-style requests"
                    + " (training seeds) instead of the templates (default: ${DEFAULT-VALUE})")
    double worldShare = 0;

    @Option(names = "--min-pixels", paramLabel = "N",
            description = "the image processor's min_pixels: smaller images are upscaled to this area before patching"
                    + " (50176 turns the world's 128x128 images into 224x224, 8x8 merged tokens); default: the --init"
                    + " model's, else 3136")
    int minPixels;

    @Option(names = "--vision-depth", paramLabel = "N",
            description = "vision tower blocks (default: the --init model's tower, else 2); with --vision-width")
    Integer visionDepth;

    @Option(names = "--vision-width", paramLabel = "N",
            description = "vision tower width, a multiple of 48 (default: the --init model's tower, else 96)")
    Integer visionWidth;

    @Option(names = "--dense-weight", paramLabel = "W",
            description = "weight of a training-only head that learns each merged vision token's colour, shape and grid"
                    + " cell from the detector's view of the attachment, beside the answer loss; 0 for none (default:"
                    + " ${DEFAULT-VALUE})")
    double denseWeight = 0;

    @Option(names = "--dense-layer", paramLabel = "L",
            description = "where the --dense-weight head reads: the decoder's hidden state entering layer L (the layer"
                    + " count: after the final norm), -1 for the vision tower's merged tokens (default: the middle layer)")
    Integer denseLayer;

    @Option(names = "--reset", paramLabel = "REGEX",
            description = "initialise afresh the --init model's parameters whose names match REGEX instead of loading"
                    + " them (e.g. 'visual\\..*' for a new vision tower on the trained decoder)")
    String reset;

    @Option(names = "--export", paramLabel = "DIR", description = "where the finished model goes (default: models/planner-tiny)")
    Path export;

    @Option(names = "--eval-every", paramLabel = "N", description = "steps between evaluations (default: ${DEFAULT-VALUE})")
    int evalEvery = 250;

    @Option(names = "--eval-size", paramLabel = "N", description = "held-out planning examples per evaluation; a quarter as many world questions (default: ${DEFAULT-VALUE})")
    int evalSize = 120;

    @Override
    public Integer call() {
        Path home = Path.of(System.getProperty("unison.home", ".")).toAbsolutePath().normalize();
        Path from = init != null ? init : home.resolve("models/planner-tiny");
        Path to = export != null ? export : home.resolve("models/planner-tiny");
        VlPlannerTrainer.Mix mix = new VlPlannerTrainer.Mix(visionShare, textShare, worldShare, videoShare);
        try {
            mix.check(train.config().build().batch());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--vision-share / --text-share / --world-share / --video-share: "
                    + e.getMessage());
        }
        if (minPixels < 0 || minPixels > 200_704) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--min-pixels must be 0 (the default) to 200704 (max_pixels), got " + minPixels);
        }
        if (!(denseWeight >= 0 && denseWeight <= 100)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dense-weight must be in [0, 100], got " + denseWeight);
        }
        VlPlannerTrainer.Tower tower = null;
        if (visionDepth != null || visionWidth != null) {
            try {
                tower = new VlPlannerTrainer.Tower(visionDepth != null ? visionDepth : VlPlannerTrainer.Tower.DEFAULT.depth(),
                        visionWidth != null ? visionWidth : VlPlannerTrainer.Tower.DEFAULT.hidden());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        String command = "./unison " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        if (denseLayer != null) {
            try {
                VlPlannerTrainer.denseLayer(
                        ai.unison.io.Json.readTree(from.resolve("config.json")).path("num_hidden_layers").asInt(), denseLayer);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--dense-layer " + denseLayer + ": "
                        + e.getMessage());
            }
        }
        java.util.regex.Pattern resetPattern = null;
        if (reset != null) {
            try {
                resetPattern = java.util.regex.Pattern.compile(reset);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--reset '" + reset + "' is not a regular"
                        + " expression: " + e.getDescription());
            }
        }
        TrainResult r = VlPlannerTrainer.train(train.config().build(), from, mix, minPixels, tower,
                denseWeight, denseLayer, resetPattern, to, train.exportDType(), evalEvery, evalSize, command.strip(), System.out);
        System.out.println(r.finished() ? "VL planner exported to " + to : "stopped at step " + r.step() + "; continue with --resume");
        return 0;
    }
}
