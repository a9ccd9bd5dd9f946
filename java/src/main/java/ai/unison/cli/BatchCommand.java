package ai.unison.cli;

import ai.unison.Unison;
import ai.unison.api.BatchOptions;
import ai.unison.api.Options;
import ai.unison.api.Priority;
import ai.unison.api.Result;
import ai.unison.api.UnisonException;
import ai.unison.engine.JsonlBatch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "batch", mixinStandardHelpOptions = true,
        description = {"Run the requests of a JSONL file, one {\"id\", \"request\", \"attachments\", ...overrides} per line "
            + "(overrides: seed, steps, guidance, scheduler, size \"WxH\", frames, timeout in seconds, priority).",
            "Writes DIR/<id>.png (images), <id>.gif and <id>.mp4 (videos), <id>.txt (answers), always <id>.json, "
            + "and DIR/summary.json. Running it again skips what succeeded and retries what failed.",
            "Exit code 0 when every request succeeded, 1 otherwise."})
final class BatchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REQUESTS.jsonl")
    Path file;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "output folder")
    Path out;

    @Option(names = "--concurrency", paramLabel = "N", description = "requests in flight at once (default: ${DEFAULT-VALUE})")
    int concurrency = 16;

    @CommandLine.Mixin
    EngineOptions engine = new EngineOptions();

    @Option(names = "--progress", description = "bar, lines or auto (a bar on a terminal; default: ${DEFAULT-VALUE})")
    String progress = "auto";

    private final BiFunction<Path, Options, Unison> opener;

    BatchCommand() {
        this(Unison::open);
    }

    BatchCommand(BiFunction<Path, Options, Unison> opener) {
        this.opener = opener;
    }

    @Override
    public Integer call() {
        if (concurrency < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--concurrency must be at least 1, got " + concurrency);
        }
        boolean terminal = switch (progress) {
            case "bar" -> true;
            case "lines" -> false;
            case "auto" -> System.console() != null;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--progress must be bar, lines or auto, got '" + progress + "'");
        };
        JsonlBatch batch = JsonlBatch.open(file, out);
        ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), terminal, System::nanoTime);
        BatchOptions options = new BatchOptions(concurrency, Priority.BATCH);
        JsonlBatch.Report report;
        if (batch.needsEngine()) {
            try (Unison unison = engine.open(opener)) {
                report = batch.run(unison::submit, options, bar);
            }
        } else {
            report = batch.run(r -> CompletableFuture.<Result>failedFuture(
                    new UnisonException(UnisonException.Reason.FAILED, "nothing should run")), options, bar);
        }
        bar.finish();
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf(Locale.ROOT, "%d requests: %d succeeded, %d skipped (done before), %d failed; %.2f items/s; %s%n",
                report.total(), report.succeeded(), report.skipped(), report.failed(), report.itemsPerSecond(),
                report.summary());
        for (JsonlBatch.Failure f : report.failures()) {
            stdout.println("  line " + f.line() + (f.id() != null ? " (" + f.id() + ")" : "") + ": " + f.reason() + ": " + f.message());
        }
        stdout.flush();
        return report.failed() == 0 ? 0 : 1;
    }
}
