package ai.unison.world;

import java.util.List;
import java.util.Map;

/** Understanding questions with their canonical short answers. */
final class Questions {
    /** A question and its canonical answer. */
    record QA(String question, String answer) {}

    private static final Map<String, int[]> NAMED_SIZES = Map.of(
            "240p", new int[] {320, 240}, "360p", new int[] {640, 360}, "480p", new int[] {640, 480},
            "720p", new int[] {1280, 720}, "1080p", new int[] {1920, 1080}, "4K", new int[] {3840, 2160});
    private static final List<String[]> MIXES = List.of(
            new String[] {"red", "yellow", "orange"}, new String[] {"blue", "yellow", "green"},
            new String[] {"red", "blue", "purple"}, new String[] {"red", "white", "pink"});

    private Questions() {}

    /** Questions about shapes, colours, counting, durations and resolutions, without attachments. */
    static QA text(SceneSampler s) {
        return switch (s.between(0, 7)) {
            case 0 -> {
                Shape shape = s.pick(Shape.values());
                int corners = corners(shape);
                yield s.chance(0.5) && shape != Shape.CIRCLE
                        ? new QA("how many sides does a " + shape.label() + " have?", Integer.toString(corners))
                        : new QA("how many corners does a " + shape.label() + " have?", Integer.toString(corners));
            }
            case 1 -> {
                Shape shape = s.pick(Shape.values());
                String property = switch (shape) {
                    case CIRCLE -> s.pick("has no corners", "is round");
                    case SQUARE -> s.pick("has four equal sides", "has four corners");
                    case TRIANGLE -> s.pick("has three corners", "has three sides");
                };
                yield new QA(s.pick("which shape ", "what shape ") + property + "?", shape.label());
            }
            case 2 -> {
                String[] mix = s.pick(MIXES);
                boolean swap = s.chance(0.5);
                yield new QA("what colour do you get by mixing " + mix[swap ? 1 : 0] + " and " + mix[swap ? 0 : 1] + "?",
                        mix[2]);
            }
            case 3 -> {
                Background bg = s.background();
                Scene scene = s.onGrid(bg, s.distinctObjects(bg, s.between(1, 4)));
                String caption = s.chance(0.5) ? Captions.canonical(scene) : Captions.paraphrase(scene, s);
                yield new QA("how many objects are in this description: " + caption + "?",
                        Integer.toString(scene.objects().size()));
            }
            case 4 -> {
                int a = s.between(0, 9);
                int b = s.between(0, 9);
                yield new QA("what is " + number(a, s) + " plus " + number(b, s) + "?", Integer.toString(a + b));
            }
            case 5 -> {
                int seconds = s.between(1, 10);
                yield new QA("how many frames does a " + number(seconds, s) + " second video at 24 fps have?",
                        Integer.toString(Clip.FPS * seconds + 1));
            }
            case 6 -> {
                int seconds = s.between(1, 10);
                yield new QA("how many seconds long is a video of " + (Clip.FPS * seconds + 1) + " frames at 24 fps?",
                        Integer.toString(seconds));
            }
            default -> {
                String name = s.pick(NAMED_SIZES.keySet().stream().sorted().toList());
                int[] size = NAMED_SIZES.get(name);
                yield s.chance(0.5)
                        ? new QA("how many pixels wide is a " + name + " video?", Integer.toString(size[0]))
                        : new QA("how many pixels tall is a " + name + " video?", Integer.toString(size[1]));
            }
        };
    }

    /**
     * A caption request or a question about colour, count, shape, position, relation or presence. Expects objects
     * with pairwise different (shape, colour) placed clear of the lines between cells.
     */
    static QA image(Scene scene, SceneSampler s) {
        List<SceneObject> objects = scene.objects();
        for (int attempt = 0; ; attempt++) {
            int kind = attempt > 20 ? 0 : s.between(0, 6);
            QA qa = switch (kind) {
                case 0 -> new QA(s.pick("describe the image", "write a caption for this image",
                        "what does this picture show?", "caption this image"), Captions.canonical(scene));
                case 1 -> colourQuestion(objects, s);
                case 2 -> countQuestion(objects, s);
                case 3 -> shapeQuestion(objects, s);
                case 4 -> {
                    SceneObject o = s.pick(objects);
                    yield new QA(s.pick("where is the ", "in which cell is the ", "which part of the image holds the ")
                            + o.name() + "?", o.cell().label());
                }
                case 5 -> relationQuestion(objects, s);
                default -> {
                    SceneObject probe = s.chance(0.5) ? s.pick(objects) : s.object(scene.background());
                    boolean present = objects.stream()
                            .anyMatch(o -> o.shape() == probe.shape() && o.colour() == probe.colour());
                    yield new QA("is there " + Captions.withArticle(probe.name()) + " in the image?", present ? "yes" : "no");
                }
            };
            if (qa != null) {
                return qa;
            }
        }
    }

    /** Which direction, which object moves, or the mover's colour. The mover's (shape, colour) is unique. */
    static QA video(Clip clip, SceneSampler s) {
        SceneObject m = clip.moverStart();
        return switch (s.between(0, 2)) {
            case 0 -> clip.motion().translates()
                    ? new QA(s.pick("which direction does the ", "which way does the ") + m.name() + " move?",
                            clip.motion().label())
                    : new QA(s.pick("does the " + m.name() + " grow or shrink?", "how does the " + m.name() + " change?"),
                            clip.motion().label());
            case 1 -> new QA(s.pick("which shape moves?", "what shape is the moving object?",
                    "which shape is moving?"), m.shape().label());
            default -> new QA(s.pick("what colour is the moving object?", "what colour is the object that changes?"),
                    m.colour().label());
        };
    }

    private static QA colourQuestion(List<SceneObject> objects, SceneSampler s) {
        List<SceneObject> unique = objects.stream()
                .filter(o -> objects.stream().filter(p -> p.shape() == o.shape()).count() == 1).toList();
        if (unique.isEmpty()) {
            return null;
        }
        SceneObject o = s.pick(unique);
        return new QA(s.pick("what colour is the ", "which colour is the ") + o.shape().label() + "?", o.colour().label());
    }

    private static QA shapeQuestion(List<SceneObject> objects, SceneSampler s) {
        List<SceneObject> unique = objects.stream()
                .filter(o -> objects.stream().filter(p -> p.colour() == o.colour()).count() == 1).toList();
        if (unique.isEmpty()) {
            return null;
        }
        SceneObject o = s.pick(unique);
        return new QA(s.pick("what shape is the ", "which shape is the ") + o.colour().label() + " object?",
                o.shape().label());
    }

    private static QA countQuestion(List<SceneObject> objects, SceneSampler s) {
        return switch (s.between(0, 2)) {
            case 0 -> new QA(s.pick("how many objects are there?", "how many shapes are in the image?"),
                    Integer.toString(objects.size()));
            case 1 -> {
                Shape shape = s.pick(Shape.values());
                yield new QA("how many " + shape.label() + "s are there?",
                        Long.toString(objects.stream().filter(o -> o.shape() == shape).count()));
            }
            default -> {
                Colour colour = s.chance(0.7) ? s.pick(objects).colour() : s.pick(Colour.values());
                yield new QA("how many " + colour.label() + " objects are there?",
                        Long.toString(objects.stream().filter(o -> o.colour() == colour).count()));
            }
        };
    }

    /** "is the red circle to the left of the blue square?", asked only where the answer is clear of the threshold. */
    private static QA relationQuestion(List<SceneObject> objects, SceneSampler s) {
        if (objects.size() < 2) {
            return null;
        }
        List<SceneObject> pair = s.shuffled(objects).subList(0, 2);
        SceneObject a = pair.get(0);
        SceneObject b = pair.get(1);
        Relation r = s.pick(Relation.values());
        double excess = r.excess(a.x(), a.y(), b.x(), b.y());
        if (Math.abs(excess) < SceneSampler.CELL_MARGIN) {
            return null;
        }
        return new QA("is the " + a.name() + " " + r.phrase() + " the " + b.name() + "?", excess > 0 ? "yes" : "no");
    }

    private static int corners(Shape shape) {
        return switch (shape) {
            case CIRCLE -> 0;
            case SQUARE -> 4;
            case TRIANGLE -> 3;
        };
    }

    /** The number as digits or as a word. */
    static String number(int n, SceneSampler s) {
        return s.chance(0.5) ? Integer.toString(n) : Answers.word(n);
    }
}
