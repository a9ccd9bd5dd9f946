package ai.unison.cli;

import ai.unison.runtime.Torch;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code unison} command. */
@Command(name = "unison", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Unison-J: unified multimodal understanding and generation on libtorch.",
        subcommands = {RunCommand.class, BatchCommand.class, InfoCommand.class, CheckCommand.class,
            LmCommand.class, TrainCommand.class, PlanCommand.class, EvalCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        Torch.load(); // before any other libtorch class: it settles the OpenMP wait policy first
        System.exit(execute(args));
    }

    /**
     * Runs the command line and returns its exit code (for tests and embedding). A first argument that
     * is neither a subcommand nor an option is a request: {@code unison "make a video"} is {@code unison run ...}.
     */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        if (args.length > 0 && !args[0].startsWith("-") && !cl.getSubcommands().containsKey(args[0])) {
            String[] run = new String[args.length + 1];
            run[0] = "run";
            System.arraycopy(args, 0, run, 1, args.length);
            args = run;
        }
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            String msg = ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
            cmd.getErr().println("error: " + msg);
            if (System.getenv("UNISON_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
