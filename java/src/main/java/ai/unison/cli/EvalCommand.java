package ai.unison.cli;

import ai.unison.plan.LmPlanner;
import ai.unison.plan.PlannerEval;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code unison eval MODEL}: scores a shipped model on an evaluation file. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a model on a data file.",
        subcommands = {EvalCommand.Planner.class, EvalShapesCommand.class, CommandLine.HelpCommand.class})
final class EvalCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "planner", mixinStandardHelpOptions = true,
            description = "Plan every request of a JSONL file (PlannerEval's format) and print the metrics table.")
    static final class Planner implements Callable<Integer> {
        @Option(names = "--data", required = true, paramLabel = "FILE", description = "JSONL: request, attachments, signal or task")
        Path data;

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
            try (LmPlanner p = PlanCommand.open(planner, runtime, batch)) {
                PlannerEval.Report report = p.evaluate(data);
                System.out.print(report.table());
                if (failures) {
                    report.failures().forEach(System.out::println);
                }
                return 0;
            }
        }
    }
}
