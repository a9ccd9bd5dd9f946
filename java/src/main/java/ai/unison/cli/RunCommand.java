package ai.unison.cli;

import ai.unison.Unison;
import ai.unison.api.Options;
import ai.unison.api.Overrides;
import ai.unison.api.Request;
import ai.unison.api.Result;
import ai.unison.engine.Outputs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Plan and run one request: print the answer, or write the image (PNG) or the video (GIF and MP4) "
            + "with a JSON sidecar.", "The bare form `unison \"REQUEST\"` does the same."})
final class RunCommand implements Callable<Integer> {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,5})[x×](\\d{1,5})");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "REQUEST", description = "the request (several words are joined with spaces)")
    List<String> words;

    @Option(names = "--attach", paramLabel = "FILE", description = "an image or video, appended after inline ###path### ones; repeatable")
    List<Path> attachments = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "where outputs go (default: the current folder; answers are only printed unless given)")
    Path out;

    @Option(names = "--name", description = "base name of the output files (default: run-<date>-<time>)")
    String name;

    @CommandLine.Mixin
    EngineOptions engine = new EngineOptions();

    @Option(names = "--seed", description = "noise seed (default: random, reported)")
    Long seed;

    @Option(names = "--steps", description = "denoising steps (default: the expert's)")
    Integer steps;

    @Option(names = "--guidance", description = "classifier-free guidance scale (default: the expert's)")
    Double guidance;

    @Option(names = "--scheduler", description = "scheduler name (default: the expert's)")
    String scheduler;

    @Option(names = "--size", paramLabel = "WxH", description = "output size, overriding the plan's")
    String size;

    @Option(names = "--frames", description = "video frames, overriding the plan's")
    Integer frames;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "give up after this long")
    Double timeout;

    private final BiFunction<Path, Options, Unison> opener;

    RunCommand() {
        this(Unison::open);
    }

    RunCommand(BiFunction<Path, Options, Unison> opener) {
        this.opener = opener;
    }

    @Override
    public Integer call() {
        Request request = request();
        PrintWriter stdout = spec.commandLine().getOut();
        try (Unison unison = engine.open(opener)) {
            Result result = unison.run(request);
            String base = name != null ? name : "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            if (result.frames() == null) {
                stdout.println(result.answer());
                if (out != null) {
                    Outputs.in(out).write(base, null, request, result);
                }
            } else {
                Outputs outputs = Outputs.in(out != null ? out : Path.of("."));
                List<String> files = outputs.write(base, null, request, result);
                for (String f : files) {
                    stdout.println(outputs.dir().resolve(f));
                }
                stdout.println(outputs.dir().resolve(base + ".json"));
                stdout.printf(Locale.ROOT, "%s %s (asked %s), seed %d, %d steps, %.1f s%n", result.plan().task(),
                        result.executed(), result.requested(), result.seed(), result.settings().steps(),
                        result.timings().total().toMillis() / 1000.0);
                result.notes().forEach(n -> stdout.println("note: " + n));
            }
        }
        stdout.flush();
        return 0;
    }

    Request request() {
        Integer width = null;
        Integer height = null;
        if (size != null) {
            Matcher m = SIZE.matcher(size.strip());
            if (!m.matches()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--size must be WIDTHxHEIGHT such as 640x480, got '" + size + "'");
            }
            width = Integer.parseInt(m.group(1));
            height = Integer.parseInt(m.group(2));
        }
        Request.Builder b = Request.builder(String.join(" ", words));
        attachments.forEach(b::attach);
        try {
            b.overrides(new Overrides(seed, steps, guidance, scheduler, width, height, frames,
                    timeout == null ? null : Duration.ofNanos((long) (timeout * 1e9))));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        return b.build();
    }
}
