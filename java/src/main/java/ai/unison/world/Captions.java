package ai.unison.world;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Captions of scenes and clips. Canonical captions ("a large red circle at the top-left and a small blue square at
 * the center on a gray background") have one spelling and parse back; paraphrases vary the words so that models
 * learn the meaning rather than one phrasing.
 */
public final class Captions {
    private static final Comparator<SceneObject> CANONICAL_ORDER = Comparator.comparing(SceneObject::cell)
            .thenComparing(SceneObject::shape).thenComparing(SceneObject::colour).thenComparingDouble(SceneObject::side);

    private static final Pattern SCENE = Pattern.compile("(.+) on an? ([a-z]+) background");
    private static final Pattern EMPTY = Pattern.compile("an? empty ([a-z]+) background");
    private static final Pattern OBJECT = Pattern.compile("an? (?:(small|large) )?([a-z]+) ([a-z]+) at the ([a-z-]+)");
    private static final Pattern SEPARATOR = Pattern.compile(", | and ");

    private static final Map<Cell, List<String>> WHERE = new EnumMap<>(Map.of(
            Cell.TOP_LEFT, List.of("at the top-left", "in the top left", "in the upper left corner", "at the upper-left",
                    "in the top-left corner"),
            Cell.TOP_CENTER, List.of("at the top-center", "at the top", "at the top middle", "in the upper middle",
                    "at the top center"),
            Cell.TOP_RIGHT, List.of("at the top-right", "in the top right", "in the upper right corner",
                    "at the upper-right", "in the top-right corner"),
            Cell.CENTER_LEFT, List.of("at the center-left", "on the left", "at the left", "in the middle of the left side",
                    "at the left edge"),
            Cell.CENTER, List.of("at the center", "in the middle", "in the centre", "in the center of the image",
                    "right in the middle"),
            Cell.CENTER_RIGHT, List.of("at the center-right", "on the right", "at the right",
                    "in the middle of the right side", "at the right edge"),
            Cell.BOTTOM_LEFT, List.of("at the bottom-left", "in the bottom left", "in the lower left corner",
                    "at the lower-left", "in the bottom-left corner"),
            Cell.BOTTOM_CENTER, List.of("at the bottom-center", "at the bottom", "at the bottom middle",
                    "in the lower middle", "at the bottom center"),
            Cell.BOTTOM_RIGHT, List.of("at the bottom-right", "in the bottom right", "in the lower right corner",
                    "at the lower-right", "in the bottom-right corner")));

    private static final Map<Motion, List<String>> MOVING = new EnumMap<>(Map.of(
            Motion.LEFT, List.of("moving left", "moving to the left", "sliding left", "travelling to the left",
                    "heading left", "that moves left"),
            Motion.RIGHT, List.of("moving right", "moving to the right", "sliding right", "travelling to the right",
                    "heading right", "that moves right"),
            Motion.UP, List.of("moving up", "moving upward", "rising", "sliding up", "going up", "that moves up"),
            Motion.DOWN, List.of("moving down", "moving downward", "falling", "sliding down", "dropping",
                    "that moves down"),
            Motion.GROWS, List.of("growing", "getting bigger", "growing larger", "that grows", "expanding"),
            Motion.SHRINKS, List.of("shrinking", "getting smaller", "that shrinks", "shrinking down")));

    private Captions() {}

    public static String canonical(Scene scene) {
        String bg = scene.background().label();
        if (scene.objects().isEmpty()) {
            return "an empty " + bg + " background";
        }
        List<String> phrases = scene.objects().stream().sorted(CANONICAL_ORDER).map(Captions::canonical).toList();
        return list(phrases) + " on a " + bg + " background";
    }

    /** "a red circle moving right from the center-left and a blue square at the top-right on a gray background". */
    public static String canonical(Clip clip) {
        SceneObject m = clip.moverStart();
        String mover = clip.motion().translates()
                ? withArticle(describe(m, true)) + " moving " + clip.motion().label() + " from the " + m.cell().label()
                : withArticle(describe(m, false)) + " " + MOVING.get(clip.motion()).get(0) + " at the " + m.cell().label();
        List<String> phrases = new ArrayList<>();
        phrases.add(mover);
        others(clip).stream().sorted(CANONICAL_ORDER).map(Captions::canonical).forEach(phrases::add);
        return list(phrases) + " on a " + clip.start().background().label() + " background";
    }

    /** Parses a canonical scene caption; objects land on the centres of their cells. */
    public static Scene parse(String caption) {
        String text = caption.strip();
        Matcher empty = EMPTY.matcher(text);
        if (empty.matches()) {
            return new Scene(Background.parse(empty.group(1)), List.of());
        }
        Matcher scene = SCENE.matcher(text);
        if (!scene.matches()) {
            throw new IllegalArgumentException("not a canonical caption: '" + caption + "'");
        }
        List<SceneObject> objects = new ArrayList<>();
        for (String part : SEPARATOR.split(scene.group(1))) {
            Matcher o = OBJECT.matcher(part);
            if (!o.matches()) {
                throw new IllegalArgumentException("not a canonical object '" + part + "' in '" + caption + "'");
            }
            ObjSize size = o.group(1) == null ? ObjSize.UNSPECIFIED : Labels.parse(ObjSize.class, o.group(1));
            objects.add(SceneObject.of(Shape.parse(o.group(3)), Colour.parse(o.group(2)), size, Cell.parse(o.group(4))));
        }
        return new Scene(Background.parse(scene.group(2)), objects);
    }

    /** A varied description of the scene, as people might write it. */
    static String paraphrase(Scene scene, SceneSampler s) {
        if (scene.objects().isEmpty()) {
            return s.pick("an empty ", "a plain ", "just a ") + scene.background().label() + " background";
        }
        List<String> phrases = s.shuffled(scene.objects()).stream()
                .map(o -> objectPhrase(o, s) + " " + where(o.cell(), s)).toList();
        return joinVaried(phrases, s) + backgroundPhrase(scene.background(), s);
    }

    /** A varied description of the clip: the mover, how it moves and from where, then the still objects. */
    static String paraphrase(Clip clip, SceneSampler s) {
        SceneObject m = clip.moverStart();
        Motion motion = clip.motion();
        String how = s.pick(MOVING.get(motion));
        String mover = motion.translates()
                ? objectPhrase(m, s) + " " + how + " " + s.pick("from " + noun(where(m.cell(), s)), "starting " + where(m.cell(), s))
                : withArticle(m.colour().label() + " " + shapeWord(m.shape(), s)) + " " + how + " " + where(m.cell(), s);
        List<String> phrases = new ArrayList<>();
        phrases.add(mover);
        s.shuffled(others(clip)).forEach(o -> phrases.add(objectPhrase(o, s) + " " + where(o.cell(), s)));
        return joinVaried(phrases, s) + backgroundPhrase(clip.start().background(), s);
    }

    /** "a red circle" / "an orange square". */
    static String withArticle(String words) {
        return ("aeiou".indexOf(words.charAt(0)) >= 0 ? "an " : "a ") + words;
    }

    /** "a", "a and b", "a, b and c". */
    static String list(List<String> phrases) {
        int n = phrases.size();
        return n == 1 ? phrases.get(0) : String.join(", ", phrases.subList(0, n - 1)) + " and " + phrases.get(n - 1);
    }

    /** A varied location phrase with its preposition: "in the upper left corner". */
    static String where(Cell cell, SceneSampler s) {
        return s.pick(WHERE.get(cell));
    }

    /** A varied way to say how the clip's object moves: "sliding to the right". */
    static String moving(Motion motion, SceneSampler s) {
        return s.pick(MOVING.get(motion));
    }

    /** The location phrase without its preposition: "the upper left corner". */
    static String noun(String wherePhrase) {
        return wherePhrase.replaceFirst("^(right )?(at|in|on) ", "");
    }

    /** "a small red circle" with varied words, without a location. */
    static String objectPhrase(SceneObject o, SceneSampler s) {
        String size = switch (o.size()) {
            case SMALL -> s.pick("small ", "little ", "tiny ");
            case LARGE -> s.pick("large ", "big ");
            case UNSPECIFIED -> "";
        };
        String shape = shapeWord(o.shape(), s);
        return s.chance(0.8)
                ? withArticle(size + o.colour().label() + " " + shape)
                : withArticle(size + shape) + " in " + o.colour().label();
    }

    private static String shapeWord(Shape shape, SceneSampler s) {
        return shape == Shape.CIRCLE && s.chance(0.2) ? "disc" : shape.label();
    }

    private static String canonical(SceneObject o) {
        return withArticle(describe(o, true)) + " at the " + o.cell().label();
    }

    /** "large red circle", the size word only for a named size. */
    private static String describe(SceneObject o, boolean withSize) {
        String size = withSize && o.size() != ObjSize.UNSPECIFIED ? o.size().label() + " " : "";
        return size + o.name();
    }

    private static List<SceneObject> others(Clip clip) {
        List<SceneObject> list = new ArrayList<>(clip.start().objects());
        list.remove(clip.mover());
        return list;
    }

    private static String joinVaried(List<String> phrases, SceneSampler s) {
        if (phrases.size() == 1) {
            return phrases.get(0);
        }
        return switch (s.between(0, 2)) {
            case 0 -> list(phrases);
            case 1 -> String.join(" and ", phrases);
            default -> String.join(", ", phrases.subList(0, phrases.size() - 1)) + " plus " + phrases.get(phrases.size() - 1);
        };
    }

    private static String backgroundPhrase(Background b, SceneSampler s) {
        String name = b == Background.GRAY && s.chance(0.3) ? "grey" : b.label();
        if (b == Background.GRAY && s.chance(0.4)) {
            return "";
        }
        return s.pick(" on a " + name + " background", " against a " + name + " backdrop", " on " + name,
                " with a " + name + " background");
    }
}
