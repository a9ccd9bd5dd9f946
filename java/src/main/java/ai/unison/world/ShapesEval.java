package ai.unison.world;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * ShapesEval: seeded evaluation prompts per category, and scoring of a model's outputs against them. The model is
 * any {@code Function<Query, Media>}; evaluation clips last one second (25 frames) and canvases are 128×128 unless
 * a size is asked for.
 */
public final class ShapesEval {
    /** The seed of a default run; training data should use other seeds. */
    public static final long DEFAULT_SEED = 20250101L;

    private static final List<Integer> CLIP_SECONDS = List.of(1);

    private ShapesEval() {}

    /** {@code count} examples of the category on the default 128×128 canvas. */
    public static List<Example> sample(Category category, int count, long seed) {
        return sample(category, count, seed, DataGenerator.DEFAULT_SIZE, DataGenerator.DEFAULT_SIZE);
    }

    /** {@code count} examples of the category on a W×H canvas; prompts state the size when it is not the default. */
    public static List<Example> sample(Category category, int count, long seed, int width, int height) {
        DataGenerator data = new DataGenerator(width, height, CLIP_SECONDS);
        List<Example> examples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long itemSeed = DataGenerator.mix(seed, category.ordinal(), i);
            examples.add(switch (category) {
                case EDIT -> data.example(i % 2 == 0 ? WorldTask.IMAGE_EDIT : WorldTask.VIDEO_EDIT, itemSeed);
                case REFERENCE -> data.example(WorldTask.IMAGE_REFERENCE, itemSeed);
                case CONTROL -> data.example(i % 2 == 0 ? WorldTask.IMAGE_CONTROL : WorldTask.VIDEO_CONTROL, itemSeed);
                case VIDEO_MOTION -> data.example(i % 2 == 0 ? WorldTask.TEXT_TO_VIDEO : WorldTask.VIDEO_REFERENCE, itemSeed);
                case I2V_FIDELITY -> data.example(WorldTask.IMAGE_TO_VIDEO, itemSeed);
                case UNDERSTANDING -> data.example(List.of(WorldTask.TEXT_UNDERSTANDING, WorldTask.IMAGE_UNDERSTANDING,
                        WorldTask.VIDEO_UNDERSTANDING).get(i % 3), itemSeed);
                default -> generated(category, new SceneSampler(new SplittableRandom(itemSeed), width, height));
            });
        }
        return examples;
    }

    /** Runs the model on one example and scores the output; a round trip calls it twice (caption, then image). */
    public static double run(Example example, Function<Query, Media> model) {
        Media output = model.apply(example.query());
        if (example.spec() instanceof Spec.RoundTrip) {
            if (!(output instanceof Media.Text caption)) {
                return 0;
            }
            output = model.apply(new Query(caption.text(), List.of()));
        }
        return example.spec().score(output);
    }

    /** Runs the model on every example of every category. */
    public static Report evaluate(Map<Category, List<Example>> suite, Function<Query, Media> model) {
        Map<Category, Double> means = new EnumMap<>(Category.class);
        Map<Category, Integer> counts = new EnumMap<>(Category.class);
        suite.forEach((category, examples) -> {
            double sum = 0;
            for (Example e : examples) {
                sum += run(e, model);
            }
            means.put(category, examples.isEmpty() ? Double.NaN : sum / examples.size());
            counts.put(category, examples.size());
        });
        return new Report(means, counts);
    }

    /** Every category, {@code count} examples each, on the default canvas. */
    public static Report evaluate(int count, long seed, Function<Query, Media> model) {
        Map<Category, List<Example>> suite = new EnumMap<>(Category.class);
        for (Category c : Category.values()) {
            suite.put(c, sample(c, count, seed));
        }
        return evaluate(suite, model);
    }

    /** The text-to-image categories (GenEval's six plus placement) and the round trip. */
    private static Example generated(Category category, SceneSampler s) {
        Background bg = Background.GRAY;
        Shape shape = s.shape();
        Shape other = s.pick(List.of(Shape.values()).stream().filter(x -> x != shape).toList());
        Colour colour = s.colour(bg);
        Colour otherColour = s.colour(bg, colour);
        return switch (category) {
            case SINGLE_OBJECT -> textToImage(Captions.withArticle(shape.label()),
                    s.onGrid(bg, List.of(s.object(bg).withShape(shape))), new Spec.SingleObject(shape), s);
            case TWO_OBJECT -> textToImage(Captions.withArticle(shape.label()) + " and " + Captions.withArticle(other.label()),
                    s.onGrid(bg, List.of(s.object(bg).withShape(shape), s.object(bg).withShape(other))),
                    new Spec.TwoObject(shape, other), s);
            case COUNTING -> {
                int n = s.between(2, Scene.MAX_OBJECTS);
                boolean named = s.chance(0.5);
                List<SceneObject> objects = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    SceneObject o = s.object(bg).withShape(shape);
                    objects.add(named ? o.withColour(colour) : o);
                }
                yield textToImage(Answers.word(n) + " " + (named ? colour.label() + " " : "") + shape.label() + "s",
                        s.onGrid(bg, objects), new Spec.Counting(shape, named ? colour : null, n), s);
            }
            case COLORS -> textToImage(Captions.withArticle(colour.label() + " " + shape.label()),
                    s.onGrid(bg, List.of(new SceneObject(shape, colour, s.size().side(), 0.5, 0.5))),
                    new Spec.Colors(shape, colour), s);
            case POSITION -> {
                Relation r = s.pick(Relation.values());
                List<Cell> cells;
                do {
                    cells = s.cells(2);
                } while (!r.holds(cells.get(0).x(), cells.get(0).y(), cells.get(1).x(), cells.get(1).y()));
                Scene scene = s.onCells(bg, List.of(s.object(bg).withShape(shape), s.object(bg).withShape(other)), cells);
                yield textToImage(Captions.withArticle(shape.label()) + " " + r.phrase() + " " + Captions.withArticle(other.label()),
                        scene, new Spec.Position(shape, r, other), s);
            }
            case COLOR_ATTR -> textToImage(Captions.withArticle(colour.label() + " " + shape.label()) + " and "
                            + Captions.withArticle(otherColour.label() + " " + other.label()),
                    s.onGrid(bg, List.of(s.object(bg).withShape(shape).withColour(colour),
                            s.object(bg).withShape(other).withColour(otherColour))),
                    new Spec.ColorAttr(shape, colour, other, otherColour), s);
            case PLACEMENT -> {
                Cell cell = s.pick(Cell.values());
                SceneObject o = new SceneObject(shape, colour, s.size().side(), cell.x(), cell.y());
                yield textToImage(Captions.withArticle(colour.label() + " " + shape.label()) + " at the " + cell.label(),
                        new Scene(bg, List.of(o)), new Spec.Placement(shape, colour, cell), s);
            }
            case ROUND_TRIP -> {
                Background b = s.background();
                Scene scene = s.spread(b, s.distinctObjects(b, s.between(1, Scene.MAX_OBJECTS)));
                Frame frame = Renderer.render(scene, s.width(), s.height());
                yield new Example(WorldTask.IMAGE_UNDERSTANDING, new Query("describe the image", List.of(new Media.Image(frame))),
                        new Media.Text(Captions.canonical(scene)), new Spec.RoundTrip(scene.items()), null);
            }
            default -> throw new IllegalArgumentException("not a text-to-image category: " + category);
        };
    }

    private static Example textToImage(String description, Scene scene, Spec spec, SceneSampler s) {
        boolean sized = s.width() != DataGenerator.DEFAULT_SIZE || s.height() != DataGenerator.DEFAULT_SIZE;
        String text = sized ? "a " + s.width() + "x" + s.height() + " image of " + description : "an image of " + description;
        String signal = (sized ? "<BORES>" + s.width() + "," + s.height() + "<EORES>" : "") + "<CFI>";
        return new Example(WorldTask.TEXT_TO_IMAGE, new Query(text, List.of()),
                new Media.Image(Renderer.render(scene, s.width(), s.height())), spec, signal);
    }
}
