package ai.unison.train;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code unison train planner}: trains the tiny planner ({@link PlannerTrainer}) and, when all steps
 * are done, exports it into {@code models/planner-tiny}. Defaults train on 2 CPU cores in under an hour.
 */
@Command(name = "planner", mixinStandardHelpOptions = true,
        description = "Train the tiny planner (byte-level Qwen2, signal tokens) on PlanningData; export to models/planner-tiny.")
public final class PlannerTrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TrainOptions train = new TrainOptions().out(Path.of("runs/planner")).steps(5000).batch(16).lr(1e-3)
            .checkpointEvery(250);

    @Option(names = "--export", paramLabel = "DIR",
            description = "where the finished model goes (default: models/planner-tiny under the checkout)")
    Path export;

    @Option(names = "--eval-every", paramLabel = "N", description = "steps between held-out evaluations (default: ${DEFAULT-VALUE})")
    int evalEvery = 500;

    @Option(names = "--eval-size", paramLabel = "N", description = "held-out examples per evaluation (default: ${DEFAULT-VALUE})")
    int evalSize = 240;

    @Option(names = "--world-share", paramLabel = "F",
            description = "share of every batch drawn from shapes-world and ShapesEval-style requests (training seeds)"
                    + " instead of the templates (default: ${DEFAULT-VALUE})")
    double worldShare = 0;

    @Option(names = "--merges", paramLabel = "N",
            description = "byte-level BPE merges learnt for the tokenizer, 0 for one token per byte (default: ${DEFAULT-VALUE})")
    int merges = 746;

    @Override
    public Integer call() {
        Path dir = export != null ? export
                : Path.of(System.getProperty("unison.home", ".")).toAbsolutePath().normalize().resolve("models/planner-tiny");
        String command = "./unison " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        TrainConfig config = train.config().build();
        if (!(worldShare >= 0 && worldShare <= 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--world-share must be in [0, 1], got " + worldShare);
        }
        int vocab = PlannerTrainer.runTokenizer(config.out(), merges);
        TrainResult r = PlannerTrainer.train(config, PlannerTrainer.tinyConfig(vocab), dir, train.exportDType(),
                evalEvery, evalSize, worldShare, command.strip(), System.out);
        System.out.println(r.finished() ? "planner exported to " + dir
                : "stopped at step " + r.step() + "; continue with --resume");
        return 0;
    }
}
