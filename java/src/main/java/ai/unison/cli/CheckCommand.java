package ai.unison.cli;

import ai.unison.check.CheckReport;
import ai.unison.check.FixtureRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "check", description = "Conformance checks.", mixinStandardHelpOptions = true,
        subcommands = {CheckCommand.Fixture.class})
final class CheckCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "fixture", mixinStandardHelpOptions = true,
            description = "Check the runtime against reference fixture folders; exits 1 when any output is "
                    + "outside tolerance.")
    static final class Fixture implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "DIR", description = "fixture folders, e.g. ../shared/fixtures/qwen2-tiny")
        List<Path> dirs;

        @Override
        public Integer call() throws Exception {
            boolean ok = true;
            for (Path dir : dirs) {
                CheckReport r = FixtureRunner.run(dir);
                System.out.print(r.render());
                ok &= r.passed();
            }
            return ok ? 0 : 1;
        }
    }
}
