package ai.unison.cli;

import ai.unison.Unison;
import ai.unison.api.Options;
import ai.unison.api.Overrides;
import ai.unison.api.Request;
import ai.unison.api.Result;
import ai.unison.api.UnisonException;
import ai.unison.io.Media;
import ai.unison.runtime.NativeScope;
import ai.unison.world.Category;
import ai.unison.world.ContactSheet;
import ai.unison.world.Example;
import ai.unison.world.Frame;
import ai.unison.world.Query;
import ai.unison.world.Report;
import ai.unison.world.ShapesEval;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code unison eval shapes}: ShapesEval on the whole system. Generates {@code --n} prompts per category
 * (SHAPES-WORLD.md), runs each through the engine as a user request (planner → router → expert, or the
 * planner's answer), scores it with the detector, and prints one line per category plus the overall
 * mean. With {@code --out} every output is written with its score in the name, and a contact sheet PNG
 * per category.
 */
@Command(name = "shapes", mixinStandardHelpOptions = true,
        description = "Run ShapesEval: generate prompts per category, run the full system, print the score table.")
final class EvalShapesCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--n", defaultValue = "4", description = "prompts per category (default: ${DEFAULT-VALUE})")
    int n;

    @Option(names = "--seed", description = "prompt seed (default: ShapesEval's)")
    Long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "write every output with its score and a contact sheet per category")
    Path out;

    @Option(names = "--category", split = ",", description = "only these categories (ids as printed)")
    List<String> categories;

    @CommandLine.Mixin
    EngineOptions engine = new EngineOptions();

    @Option(names = "--steps", description = "denoising steps (default: the expert's)")
    Integer steps;

    private final BiFunction<Path, Options, Unison> opener;

    EvalShapesCommand() {
        this(Unison::open);
    }

    EvalShapesCommand(BiFunction<Path, Options, Unison> opener) {
        this.opener = opener;
    }

    @Override
    public Integer call() {
        if (n < 1 || n > 10_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--n must be 1 to 10000, got " + n);
        }
        long s = seed != null ? seed : ShapesEval.DEFAULT_SEED;
        Map<Category, List<Example>> suite = new EnumMap<>(Category.class);
        for (Category c : Category.values()) {
            if (categories == null || categories.contains(c.id())) {
                suite.put(c, ShapesEval.sample(c, n, s));
            }
        }
        if (suite.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no category matches " + categories);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        Map<String, Integer> failures = new LinkedHashMap<>();
        try (Unison unison = engine.open(opener)) {
            Map<Category, Double> means = new EnumMap<>(Category.class);
            Map<Category, Integer> counts = new EnumMap<>(Category.class);
            for (Map.Entry<Category, List<Example>> e : suite.entrySet()) {
                Category category = e.getKey();
                List<Frame> sheet = new ArrayList<>();
                List<Double> scores = new ArrayList<>();
                double sum = 0;
                int i = 0;
                for (Example example : e.getValue()) {
                    List<ai.unison.world.Media> outputs = new ArrayList<>();
                    double score = ShapesEval.run(example, q -> {
                        ai.unison.world.Media m = answer(unison, q, failures, stderr);
                        outputs.add(m);
                        return m;
                    });
                    sum += score;
                    scores.add(score);
                    ai.unison.world.Media last = outputs.get(outputs.size() - 1);
                    if (out != null) {
                        sheet.add(write(out.resolve(category.id()), i, score, example, last));
                    }
                    i++;
                }
                means.put(category, sum / e.getValue().size());
                counts.put(category, e.getValue().size());
                stderr.printf(Locale.ROOT, "%-14s %.3f%n", category.id(), sum / e.getValue().size());
                stderr.flush();
                if (out != null && !sheet.isEmpty()) {
                    try {
                        ContactSheet.write(sheet, Math.min(8, sheet.size()), scores, out.resolve(category.id() + ".png"));
                    } catch (IOException ex) {
                        throw new UncheckedIOException("cannot write the contact sheet for " + category.id(), ex);
                    }
                }
            }
            Report report = new Report(means, counts);
            stdout.print(report.table());
            if (!failures.isEmpty()) {
                stdout.println("failed requests (scored 0): " + failures);
            }
            stdout.flush();
        }
        return 0;
    }

    /** One query through the engine; a failed request scores 0 and is counted by reason. */
    private ai.unison.world.Media answer(Unison unison, Query q, Map<String, Integer> failures, PrintWriter stderr) {
        Request.Builder b = Request.builder(q.text());
        for (ai.unison.world.Media m : q.attachments()) {
            b.attach(ai.unison.world.Media.pixels(m));
        }
        if (steps != null) {
            b.overrides(new Overrides(null, steps, null, null, null, null, null, null));
        }
        try {
            Result r = unison.run(b.build());
            if (r.frames() == null) {
                return new ai.unison.world.Media.Text(r.answer() == null ? "" : r.answer());
            }
            return ai.unison.world.Media.of(r.frames());
        } catch (UnisonException ex) {
            failures.merge(ex.reason().name(), 1, Integer::sum);
            stderr.println("request failed: " + q.text() + ": " + ex.getMessage());
            return new ai.unison.world.Media.Text("");
        }
    }

    /** Writes an output as {@code DIR/NNN-score.png|gif|txt} and returns the frame for the contact sheet. */
    private static Frame write(Path dir, int i, double score, Example example, ai.unison.world.Media m) {
        try {
            Files.createDirectories(dir);
            String base = String.format(Locale.ROOT, "%03d-%.2f", i, score);
            Files.writeString(dir.resolve(base + ".request.txt"), example.query().text() + System.lineSeparator());
            if (m instanceof ai.unison.world.Media.Image img) {
                img.frame().writePng(dir.resolve(base + ".png"));
                return img.frame();
            }
            if (m instanceof ai.unison.world.Media.Video v) {
                try (NativeScope scope = NativeScope.open()) {
                    Media.writeGif(dir.resolve(base + ".gif"), Media.fromFrames(v.frames()), 24);
                }
                return v.frames().get(v.frames().size() / 2);
            }
            String text = m instanceof ai.unison.world.Media.Text t ? t.text() : "";
            Files.writeString(dir.resolve(base + ".txt"), text + System.lineSeparator());
            return Frame.filled(64, 64, 0x808080);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write outputs into " + dir, e);
        }
    }
}
