package ai.unison.train;

import ai.unison.api.Attachment;
import ai.unison.api.Task;
import ai.unison.plan.PlanningData;
import ai.unison.world.Category;
import ai.unison.world.DataGenerator;
import ai.unison.world.Example;
import ai.unison.world.Media;
import ai.unison.world.ShapesEval;
import ai.unison.world.WorldTask;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Shapes-world requests as planning examples, so that the planner also learns the phrasings the world and
 * ShapesEval use ("an image of a circle above a triangle", "recolour the masked square red" with the source
 * and the mask attached in that order), which the hand-written-style templates of {@link PlanningData} do not
 * cover. Half come from {@link DataGenerator} (the twelve tasks, uniformly), half from
 * {@link ShapesEval#sample} (its categories, uniformly), always with training seeds drawn here, never
 * ShapesEval's own. Attachments are separate files named {@code attachmentN.png} / {@code .mp4}, in the
 * world's order; generation examples keep the world's signal, understanding ones the text answer (text
 * questions) or {@link PlanningData#ANSWER_PLACEHOLDER} (questions about an attachment).
 */
public final class WorldPlanning {
    private static final DataGenerator DATA = new DataGenerator(DataGenerator.DEFAULT_SIZE, DataGenerator.DEFAULT_SIZE,
            List.of(1));

    private WorldPlanning() {
    }

    /** {@code n} world planning examples from {@code seed} (the same arguments give the same list). */
    static List<PlanningData.Example> examples(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<PlanningData.Example> out = new ArrayList<>(n);
        WorldTask[] tasks = WorldTask.values();
        Category[] categories = Category.values();
        for (int i = 0; i < n; i++) {
            if (r.nextBoolean()) {
                WorldTask t = tasks[r.nextInt(tasks.length)];
                out.add(of(DATA.example(t, r.nextLong()), "world/" + t.id()));
            } else {
                out.addAll(shapesEval(categories[r.nextInt(categories.length)], 1, r.nextLong()));
            }
        }
        return out;
    }

    /**
     * {@code n} shapes-world questions without attachments ({@link WorldTask#TEXT_UNDERSTANDING}: arithmetic, durations,
     * resolutions, shapes, colour mixing, counting in a description) from {@code seed}, their answers as the plan.
     * A planning batch sees few of them otherwise (one world example in 24 or so), too few to learn, say, the hundred
     * sums the world asks.
     */
    static List<PlanningData.Example> textQuestions(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x7E47_0A5CL);
        List<PlanningData.Example> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(of(DATA.example(WorldTask.TEXT_UNDERSTANDING, r.nextLong()), "world/text_understanding"));
        }
        return out;
    }

    /** Seed of {@link #evalSet}: the world and ShapesEval draw their examples from it, training never does. */
    static final long EVAL_SEED = 20_261_124L;

    /**
     * The world planning evaluation set: {@code n} {@link DataGenerator} requests per task (all twelve) and
     * {@code n} {@link ShapesEval#sample} requests per category, from {@link #EVAL_SEED} (deterministic).
     */
    public static List<PlanningData.Example> evalSet(int n) {
        List<PlanningData.Example> out = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(EVAL_SEED);
        for (WorldTask t : WorldTask.values()) {
            for (int i = 0; i < n; i++) {
                out.add(of(DATA.example(t, r.nextLong()), "world/" + t.id()));
            }
        }
        for (Category c : Category.values()) {
            out.addAll(shapesEval(c, n, r.nextLong()));
        }
        return out;
    }

    /**
     * A training batch of {@code n}: {@code round(n × worldShare)} world examples ({@link #examples}) after
     * {@link PlanningData#generate} train-split template examples; with share 0 exactly the latter.
     */
    static List<PlanningData.Example> mix(int n, long seed, double worldShare) {
        if (!(worldShare >= 0 && worldShare <= 1)) {
            throw new IllegalArgumentException("world share must be in [0, 1], got " + worldShare);
        }
        int world = (int) Math.round(n * worldShare);
        List<PlanningData.Example> out = new ArrayList<>(PlanningData.generate(n - world, seed, PlanningData.Split.TRAIN));
        if (world > 0) {
            out.addAll(examples(world, seed ^ 0x5EEDF00DL));
        }
        return out;
    }

    /** {@code n} ShapesEval-style requests of {@code category} from {@code seed}, as planning examples. */
    private static List<PlanningData.Example> shapesEval(Category category, int n, long seed) {
        String template = "shapes-eval/" + category.name().toLowerCase(java.util.Locale.ROOT);
        return ShapesEval.sample(category, n, seed, DataGenerator.DEFAULT_SIZE, DataGenerator.DEFAULT_SIZE).stream()
                .map(e -> of(e, template)).toList();
    }

    static PlanningData.Example of(Example e, String template) {
        // named as the generator trainer names them (attachmentN.png / .mp4), in the world's order
        List<String> attachments = GeneratorTrainer.attachments(e).stream().map(Attachment::path).toList();
        Task task = Task.valueOf(e.task().name());
        String signal;
        if (e.signal() != null) {
            signal = e.signal();
        } else if (attachments.isEmpty() && e.target() instanceof Media.Text answer) {
            signal = answer.text();
        } else {
            signal = PlanningData.ANSWER_PLACEHOLDER;
        }
        return new PlanningData.Example(e.query().text(), attachments, signal, task, template, PlanningData.Split.TRAIN,
                Map.of());
    }
}
