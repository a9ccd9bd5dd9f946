package ai.unison.world;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training and evaluation examples for the twelve tasks, rendered on one W×H canvas. Each example is a pure
 * function of (task, seed): {@code example(t, s)} is the same on every call and machine.
 *
 * <p>Text-to-image and text-to-video prompts state the size when the canvas is not the default 128×128 (and now and
 * then when it is); video prompts always state the duration, in seconds or frames, taken from {@code seconds}.
 */
public final class DataGenerator {
    /** The canvas side a generation request without a size gets. */
    public static final int DEFAULT_SIZE = 128;

    private final int width;
    private final int height;
    private final List<Integer> seconds;

    public DataGenerator(int width, int height, List<Integer> seconds) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("canvas must be positive, got " + width + "x" + height);
        }
        if (seconds.isEmpty() || seconds.stream().anyMatch(d -> d < 1 || d > 10)) {
            throw new IllegalArgumentException("clip durations must be 1 to 10 seconds, got " + seconds);
        }
        this.width = width;
        this.height = height;
        this.seconds = List.copyOf(seconds);
    }

    public Example example(WorldTask task, long seed) {
        SceneSampler s = new SceneSampler(new SplittableRandom(mix(seed, task.ordinal(), 0)), width, height);
        return switch (task) {
            case TEXT_TO_IMAGE -> textToImage(s);
            case TEXT_TO_VIDEO -> textToVideo(s);
            case IMAGE_EDIT -> imageEdit(s);
            case IMAGE_CONTROL -> imageControl(s);
            case IMAGE_REFERENCE -> imageReference(s);
            case IMAGE_TO_VIDEO -> imageToVideo(s);
            case VIDEO_REFERENCE -> videoReference(s);
            case VIDEO_EDIT -> videoEdit(s);
            case VIDEO_CONTROL -> videoControl(s);
            case TEXT_UNDERSTANDING -> understanding(task, Questions.text(s), List.of());
            case IMAGE_UNDERSTANDING -> imageUnderstanding(s);
            case VIDEO_UNDERSTANDING -> videoUnderstanding(s);
        };
    }

    /** A well-mixed seed from a base seed and two indices (SplitMix64 finaliser). */
    static long mix(long seed, long a, long b) {
        long z = seed + 0x9E3779B97F4A7C15L * (a + 1) + 0xC2B2AE3D27D4EB4FL * (b + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private Example textToImage(SceneSampler s) {
        Background bg = s.background();
        List<SceneObject> objects = new ArrayList<>();
        for (int i = s.between(1, Scene.MAX_OBJECTS); i > 0; i--) {
            objects.add(s.object(bg));
        }
        Scene scene = s.onGrid(bg, objects);
        String caption = s.chance(0.3) ? Captions.canonical(scene) : Captions.paraphrase(scene, s);
        boolean sized = statesSize(s);
        return example(WorldTask.TEXT_TO_IMAGE, imageRequest(caption, sized, s), List.of(), image(scene),
                new Spec.SceneEquals(scene.items()), sizeSpan(sized) + "<CFI>");
    }

    private Example textToVideo(SceneSampler s) {
        Background bg = s.background();
        List<SceneObject> objects = s.distinctObjects(bg, s.between(1, 3));
        Duration d = duration(s);
        Motion motion = s.pick(Motion.values());
        Clip clip = s.gridClip(bg, objects.get(0), motion, objects.subList(1, objects.size()), d.token);
        String c = s.chance(0.3) ? Captions.canonical(clip) : Captions.paraphrase(clip, s);
        boolean sized = statesSize(s);
        String text = s.pick("make a " + d.adjective + " video of " + c, "generate a " + d.adjective + " clip of " + c,
                "animate " + c + " for " + d.noun, c + ", " + d.noun, "create a video of " + c + " lasting " + d.noun,
                "a " + d.adjective + " video: " + c, "show " + c + " over " + d.noun);
        if (sized) {
            text += s.pick(", " + sizeWords(s), " at " + sizeWords(s), ", " + width + " wide and " + height + " tall");
        }
        SceneObject m = clip.moverStart();
        return example(WorldTask.TEXT_TO_VIDEO, text, List.of(), video(clip),
                new Spec.VideoMotion(m.shape(), m.colour(), motion), sizeSpan(sized) + frameSpan(d) + "<CFV>");
    }

    /** Recolour, remove, add or replace the shape of one object; the mask covers its box and a small margin. */
    private Example imageEdit(SceneSampler s) {
        Background bg = s.background();
        int kind = s.between(0, 3);
        boolean add = kind == 2;
        Scene source = s.free(bg, s.distinctObjects(bg, add ? s.between(0, 3) : s.between(1, 4)));
        Scene edited;
        SceneObject masked;
        String instruction;
        if (add) {
            edited = null;
            for (int attempt = 0; edited == null && attempt < 50; attempt++) {
                edited = s.addFree(source, s.object(bg));
            }
            if (edited == null) {
                throw new IllegalStateException("no room to add an object on " + width + "x" + height);
            }
            masked = edited.objects().get(edited.objects().size() - 1);
            String what = Captions.objectPhrase(masked, s);
            instruction = s.pick("add " + what + " in the masked area", "put " + what + " where the mask is",
                    "insert " + what + " inside the white region", "draw " + what + " in the masked region");
        } else {
            int index = s.between(0, source.objects().size() - 1);
            masked = source.objects().get(index);
            String shape = masked.shape().label();
            String name = masked.name();
            if (kind == 0) {
                Colour c = s.colour(bg, masked.colour());
                edited = source.replace(index, masked.withColour(c));
                instruction = s.pick("make the masked object " + c.label(), "recolour the masked " + shape + " " + c.label(),
                        "change the colour of the " + name + " to " + c.label(),
                        "paint the " + shape + " inside the mask " + c.label());
            } else if (kind == 1) {
                List<SceneObject> rest = new ArrayList<>(source.objects());
                rest.remove(index);
                edited = source.with(rest);
                instruction = s.pick("remove the masked object", "erase the " + name, "delete the object inside the mask",
                        "take out the " + name + " in the white area");
            } else {
                Shape other = s.pick(List.of(Shape.values()).stream().filter(x -> x != masked.shape()).toList());
                edited = source.replace(index, masked.withShape(other));
                String a = Captions.withArticle(other.label());
                String coloured = Captions.withArticle(masked.colour().label() + " " + other.label());
                instruction = s.pick("replace the masked object with " + coloured, "turn the " + name + " into " + a,
                        "change the masked " + shape + " into " + a);
            }
        }
        double pad = Scene.MIN_GAP * Math.min(width, height);
        Media mask = new Media.Image(Renderer.editMask(masked.box(width, height), pad, width, height));
        Media picture = image(source);
        boolean maskFirst = s.chance(0.3);
        String text = maskFirst
                ? s.pick("the first image is the mask and the second the picture: ", "using the first image as the mask, ")
                        + instruction
                : instruction + s.pick("", "", "; the second image is the mask");
        return example(WorldTask.IMAGE_EDIT, text, maskFirst ? List.of(mask, picture) : List.of(picture, mask),
                image(edited), new Spec.SceneEquals(edited.items()),
                (maskFirst ? "<BOEDIT>0,1<EOEDIT>" : "<BOEDIT>1,0<EOEDIT>") + "<CFI>");
    }

    private Example imageControl(SceneSampler s) {
        Background bg = s.background();
        Scene scene;
        do {
            List<SceneObject> objects = new ArrayList<>();
            for (int i = s.between(1, Scene.MAX_OBJECTS); i > 0; i--) {
                objects.add(s.object(bg));
            }
            scene = s.free(bg, objects);
        } while (!uniqueByShapeAndCell(scene.objects()));
        Media outline = new Media.Image(Renderer.outline(scene, width, height));
        return example(WorldTask.IMAGE_CONTROL, controlRequest(scene.objects(), bg, "outlines", s), List.of(outline),
                image(scene), control(scene), "<CTRL><CFI>");
    }

    private Example imageReference(SceneSampler s) {
        Background bg = s.background();
        List<SceneObject> objects = s.distinctObjects(bg, s.between(1, 3));
        Scene scene = s.onGrid(bg, objects);
        SceneObject o = scene.objects().get(0);
        String text = s.pick("put this object ", "place the object from the image ", "draw this shape ", "show the object ")
                + Captions.where(o.cell(), s);
        List<String> extras = scene.objects().subList(1, objects.size()).stream()
                .map(e -> Captions.objectPhrase(e, s) + " " + Captions.where(e.cell(), s)).toList();
        if (!extras.isEmpty()) {
            text += s.pick(" with ", " next to ", " along with ") + Captions.list(extras);
        }
        text += backgroundWords(bg, s);
        Media reference = new Media.Image(Renderer.reference(o, width, height));
        return example(WorldTask.IMAGE_REFERENCE, text, List.of(reference), image(scene),
                new Spec.Placement(o.shape(), o.colour(), o.cell()), "<REF><CFI>");
    }

    private Example imageToVideo(SceneSampler s) {
        Background bg = s.background();
        Duration d = duration(s);
        Clip clip = freeClip(bg, s.between(1, 3), d, s);
        boolean last = s.chance(0.5);
        Frame given = Renderer.render(last ? clip.end() : clip.start(), width, height);
        String what = clip.moverStart().name() + " " + Captions.moving(clip.motion(), s);
        String text = last
                ? s.pick("make a " + d.adjective + " video that ends with this frame, in which the " + what,
                        "this is the last frame of a " + d.adjective + " clip: the " + what,
                        "use this image as the final frame; over " + d.noun + " the " + what)
                : s.pick("animate this image for " + d.noun + ": the " + what,
                        "make a " + d.adjective + " video starting from this frame with the " + what,
                        "use this as the first frame of a " + d.adjective + " clip with the " + what);
        return example(WorldTask.IMAGE_TO_VIDEO, text, List.of(new Media.Image(given)), video(clip),
                new Spec.Fidelity(given, last), frameSpan(d) + "<BOFIDX>" + (last ? 1 : 0) + "<EOFIDX><CFV>");
    }

    private Example videoReference(SceneSampler s) {
        Background bg = s.background();
        Duration d = duration(s);
        Clip clip = s.gridClip(bg, s.object(bg), s.pick(Motion.values()), List.of(), d.token);
        SceneObject m = clip.moverStart();
        String where = Captions.where(m.cell(), s);
        String how = Captions.moving(clip.motion(), s) + " "
                + (clip.motion().translates() ? "from " + Captions.noun(where) : where);
        String text = s.pick("make a " + d.adjective + " video of this object " + how,
                "animate the object in the image for " + d.noun + ", " + how,
                "a " + d.adjective + " clip of this shape " + how) + backgroundWords(bg, s);
        Media reference = new Media.Image(Renderer.reference(m, width, height));
        return example(WorldTask.VIDEO_REFERENCE, text, List.of(reference), video(clip),
                new Spec.VideoMotion(m.shape(), m.colour(), clip.motion()), frameSpan(d) + "<REF><CFV>");
    }

    /** Recolour the moving object; there is no mask, so the signal names the clip as both mask and source. */
    private Example videoEdit(SceneSampler s) {
        Background bg = s.background();
        Clip clip = freeClip(bg, s.between(1, 3), duration(s), s);
        SceneObject m = clip.moverStart();
        Colour c = s.colour(bg, m.colour());
        Clip edited = clip.recolourMover(c);
        String text = s.pick("make the moving " + m.shape().label() + " " + c.label(),
                "recolour the moving object " + c.label(), "change the " + m.name() + " to " + c.label() + " in this video",
                "paint the object that moves " + c.label());
        Spec spec = new Spec.AtEnds(new Spec.SceneEquals(edited.start().items()), new Spec.SceneEquals(edited.end().items()));
        return example(WorldTask.VIDEO_EDIT, text, List.of(video(clip)), video(edited), spec, "<BOEDIT>0,0<EOEDIT><CFV>");
    }

    /** Objects of different shapes, so that "the circle" names one of them. */
    private Example videoControl(SceneSampler s) {
        Background bg = s.background();
        List<SceneObject> objects = new ArrayList<>();
        for (Shape shape : s.shuffled(List.of(Shape.values())).subList(0, s.between(1, 3))) {
            objects.add(new SceneObject(shape, s.colour(bg), s.size().side(), 0.5, 0.5));
        }
        Motion motion = s.pick(Motion.values());
        Clip clip = s.freeClip(bg, objects.get(0), motion, objects.subList(1, objects.size()), duration(s).token);
        Media outlines = new Media.Video(Renderer.outline(clip, width, height));
        Spec spec = new Spec.AtEnds(control(clip.start()), control(clip.end()));
        return example(WorldTask.VIDEO_CONTROL, controlRequest(clip.start().objects(), bg, "outline video", s),
                List.of(outlines), video(clip), spec, "<CTRL><CFV>");
    }

    private Example imageUnderstanding(SceneSampler s) {
        Background bg = s.background();
        Scene scene = s.spread(bg, s.distinctObjects(bg, s.between(1, Scene.MAX_OBJECTS)));
        return understanding(WorldTask.IMAGE_UNDERSTANDING, Questions.image(scene, s), List.of(image(scene)));
    }

    private Example videoUnderstanding(SceneSampler s) {
        Clip clip = freeClip(s.background(), s.between(1, 3), duration(s), s);
        return understanding(WorldTask.VIDEO_UNDERSTANDING, Questions.video(clip, s), List.of(video(clip)));
    }

    private static Example example(WorldTask task, String text, List<Media> attachments, Media target, Spec spec,
                                   String signal) {
        return new Example(task, new Query(text, attachments), target, spec, signal);
    }

    private static Example understanding(WorldTask task, Questions.QA qa, List<Media> attachments) {
        return example(task, qa.question(), attachments, new Media.Text(qa.answer()), new Spec.Answer(qa.answer()), null);
    }

    /** A clip of {@code n} objects with pairwise different (shape, colour); the first one moves. */
    private Clip freeClip(Background bg, int n, Duration d, SceneSampler s) {
        List<SceneObject> objects = s.distinctObjects(bg, n);
        return s.freeClip(bg, objects.get(0), s.pick(Motion.values()), objects.subList(1, n), d.token);
    }

    /** "fill the outlines: the circle in red and the square at the top-left in blue on a gray background". */
    private static String controlRequest(List<SceneObject> objects, Background bg, String what, SceneSampler s) {
        String connector = s.pick(" in ", " coloured ", " is ");
        List<String> parts = new ArrayList<>();
        for (SceneObject o : s.shuffled(objects)) {
            boolean shared = objects.stream().filter(p -> p.shape() == o.shape()).count() > 1;
            parts.add("the " + o.shape().label() + (shared ? " " + Captions.where(o.cell(), s) : "")
                    + connector + o.colour().label());
        }
        return s.pick("fill the " + what + ": ", "colour the " + what + ": ", "turn the " + what + " into a picture: ")
                + Captions.list(parts) + backgroundWords(bg, s);
    }

    /** Objects of the same shape never share a cell, so "the circle at the top-left" names one of them. */
    private static boolean uniqueByShapeAndCell(List<SceneObject> objects) {
        return objects.stream().map(o -> o.shape() + "@" + o.cell()).distinct().count() == objects.size();
    }

    private Spec.Control control(Scene scene) {
        List<BitSet> regions = new ArrayList<>();
        List<Colour> colours = new ArrayList<>();
        for (SceneObject o : scene.objects()) {
            regions.add(Renderer.mask(o, width, height));
            colours.add(o.colour());
        }
        return new Spec.Control(width, height, regions, colours);
    }

    private boolean statesSize(SceneSampler s) {
        return width != DEFAULT_SIZE || height != DEFAULT_SIZE || s.chance(0.3);
    }

    private String sizeSpan(boolean stated) {
        return stated ? "<BORES>" + width + "," + height + "<EORES>" : "";
    }

    private static String frameSpan(Duration d) {
        return "<BONF>" + d.token + "<EONF>";
    }

    private String sizeWords(SceneSampler s) {
        return s.pick(width + "x" + height, width + "×" + height, width + " by " + height);
    }

    private String imageRequest(String caption, boolean sized, SceneSampler s) {
        if (!sized) {
            return s.pick("draw " + caption, "make an image of " + caption, "generate a picture of " + caption,
                    "render " + caption, "create an image showing " + caption, "show me " + caption, caption,
                    "a picture of " + caption, "please draw " + caption, "an image of " + caption);
        }
        String size = sizeWords(s);
        return s.pick("make a " + size + " image of " + caption, "generate a " + size + " picture of " + caption,
                "draw " + caption + " at " + size, caption + ", " + size,
                "an image of " + caption + ", " + width + " wide and " + height + " tall",
                "draw " + caption + " with width " + width + " and height " + height);
    }

    private static String backgroundWords(Background bg, SceneSampler s) {
        if (bg == Background.GRAY && s.chance(0.5)) {
            return "";
        }
        return s.pick(" on a " + bg.label() + " background", " with a " + bg.label() + " background");
    }

    /** How a prompt states a clip's length, and the frame token it means (24 per second). */
    private record Duration(String adjective, String noun, int token) {}

    private Duration duration(SceneSampler s) {
        int secs = s.pick(seconds);
        int token = Clip.FPS * secs;
        String adjective = s.pick(secs + "-second", secs + " second", Answers.word(secs) + "-second", token + "-frame");
        String unit = secs == 1 ? " second" : " seconds";
        String noun = s.pick(secs + unit, Answers.word(secs) + unit,
                secs + "s", secs + " sec", token + " frames", "about " + token + " frames");
        return new Duration(adjective, noun, token);
    }

    private Media image(Scene scene) {
        return new Media.Image(Renderer.render(scene, width, height));
    }

    private Media video(Clip clip) {
        return new Media.Video(Renderer.render(clip, width, height));
    }
}
