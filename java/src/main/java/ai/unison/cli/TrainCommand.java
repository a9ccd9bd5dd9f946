package ai.unison.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code unison train MODEL [options]}: one subcommand per shipped model, each sharing
 * {@link ai.unison.train.TrainOptions} as a mixin. Without a subcommand it lists them.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a shipped tiny model on the shapes world (deterministic given --seed, "
                + "resumable with --resume, loss curve in OUT/loss.csv)."},
        subcommands = {ai.unison.train.PlannerTrainCommand.class, ai.unison.train.VlPlannerTrainCommand.class,
                ai.unison.train.VaeTrainCommand.class, ai.unison.train.GeneratorTrainCommand.class,
                CommandLine.HelpCommand.class})
final class TrainCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
