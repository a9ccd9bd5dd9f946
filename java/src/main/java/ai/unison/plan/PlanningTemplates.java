package ai.unison.plan;

import ai.unison.api.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The templates of {@link PlanningData}, per task. Ids are {@code <task-abbreviation>/<nn>}; every
 * fourth template of a task (nn = 03, 07, 11, ...) is held out. Generation templates are patterns
 * for {@link PlanningDraft#write}; understanding templates compute their answer or say what they ask.
 */
final class PlanningTemplates {

    private PlanningTemplates() {}

    static final List<PlanningData.Template> ALL = build();

    private static List<PlanningData.Template> build() {
        List<PlanningData.Template> all = new ArrayList<>();
        patterns(all, Task.TEXT_TO_IMAGE, "t2i",
                "{v} {an_img} of {content}[ {size}]",
                "{content}[, {size}]",
                "{v} a [{sizeadj} ]{img} of {content}",
                "i want {an_img} of {content}[, {size}]",
                "[{size}: ]{content}",
                "draw {content}[ {size}]",
                "{an_img}: {content}[. {size}]",
                "show me {content}[ {size}]",
                "{v} {content} as {an_img}[ {size}]",
                "picture this: {content}[, {size}]",
                "{v} {an_img}[ {size}] showing {content}",
                "need {an_img} of {content} asap[, {size}]",
                "text to image: {content}[ | {size}]",
                "{v} {an_img} with {content} in it[, {size}]");
        patterns(all, Task.TEXT_TO_VIDEO, "t2v",
                "{vv} {a_vid} of {motion}[ {size}][, {dur}]",
                "{motion}[, {dur}][, {size}]",
                "{vv} a [{duradj} ]{vid} of {motion}[ {size}]",
                "i need a [{duradj} ]{vid}: {motion}[, {size}]",
                "{vv} a [{sizeadj} ]{vid} of {motion}[ {dur}]",
                "animate {motion}[ {dur}][ {size}]",
                "{a_vid}[ {dur}] of {motion}[, {size}]",
                "[{sizeadj} ]{vid}: {motion}[, {dur}]",
                "show {motion} in {a_vid}[ {dur}][ {size}]",
                "{vv} {a_vid}[ {size}] showing {motion}[. {dur}]",
                "text to video: {motion}[ | {dur}][ | {size}]",
                "film {motion}[ {dur}][ {size}]",
                "{vv} {a_vid}: {motion}[, {dur}][ and {size}]");
        patterns(all, Task.IMAGE_EDIT, "edit",
                "edit {src}: {edit}",
                "{edit} in {src}",
                "use {mask} as the mask on {src} and {edit}",
                "{src} + {mask}: {edit}",
                "here is a photo {src!} and a mask {mask!}. {edit}",
                "in {src}, {edit} (only inside {mask})",
                "{edit}. source: {src}, mask: {mask}",
                "apply this edit to {src} using the mask {mask!}: {edit}",
                "{mask} is the mask, {src} is the image. {edit}",
                "with {mask} as the region, {edit} on {src}",
                "{edit}[, output {size}] - image: {src}",
                "please fix {src}: {edit}",
                "{src} edit: {edit}[, output {size}]");
        patterns(all, Task.IMAGE_CONTROL, "ctrl",
                "use {ctrl} as the outline and {colours}",
                "{v} {an_img} from {ctrl}: {colours}[ {size}]",
                "colour in {ctrl}: {colours}",
                "follow the outline in {ctrl}. {colours}",
                "{ctrl} controls the layout; {colours}[, {size}]",
                "fill {ctrl} so that {colours}",
                "turn this sketch {ctrl!} into a picture: {colours}",
                "generate following the edges of {ctrl}, {colours}",
                "controlnet-style: {ctrl} -> {colours}[ {size}]",
                "using {ctrl} as a guide, {v} {ctrlscene}",
                "draw {ctrlscene} on top of the lines in {ctrl}",
                "{ctrl} - make it {ctrlscene}");
        patterns(all, Task.IMAGE_REFERENCE, "ref",
                "put the object from {ref} {place}",
                "place {ref} {place}",
                "{v} {an_img} with the object in {ref} {place}[, {size}]",
                "take this thing {ref!} and put it {place}",
                "{ref} is the reference. show it {place}[ {size}]",
                "use {ref} as a reference and draw it {place}",
                "same object as {ref}, but {place}",
                "reference: {ref}. target: the object {place}",
                "{v} a scene where the object from {ref} sits {place}",
                "copy the shape in {ref} {place}",
                "keep the subject of {ref} and {v} it {place}[, {size}]",
                "make a new image of {ref} {place}");
        patterns(all, Task.IMAGE_TO_VIDEO, "i2v",
                "animate {frame}: {imove}[ {dur}]",
                "use {frame} as the {which} frame and {imove}[, {dur}]",
                "make a video from {frame}[ {dur}] where {imove}",
                "{frame} should be the {which} frame. {imove}[ {size}]",
                "start a clip from {frame}: {imove}",
                "{vv} {a_vid}[ {dur}] with {frame} as the {which} frame, {imove}",
                "bring {frame} to life, {imove}[, {dur}][, {size}]",
                "image to video: {frame} ({which} frame), {imove}",
                "{imove}. {frame} is the {which} frame[. {dur}]",
                "here's the {which} frame {frame!} - {imove}[, {dur}]",
                "make {frame} move: {imove}[ {dur}]",
                "{frame} -> video, {imove}, {which} frame[, {dur}]",
                "animate {frame}[ as the {which} frame] where {imove}[, {size}]");
        patterns(all, Task.VIDEO_REFERENCE, "vref",
                "make a video of the object in {ref} {omove}[ {dur}]",
                "{vv} {a_vid} where the thing from {ref} is {omove}[, {dur}][, {size}]",
                "use {ref} as the reference and show it {omove}[ {dur}]",
                "{ref} {omove}, as a video[, {dur}]",
                "a clip of {ref} {omove}[, {size}]",
                "reference video: {ref}, {omove}[, {dur}]",
                "i want a [{duradj} ]{vid} of this object {ref!} {omove}",
                "take the object in {ref} and make it move: {omove}",
                "{vv} a [{sizeadj} ]{vid} with the object from {ref} {omove}",
                "the object in {ref} should be {omove} in a new clip[ {dur}]",
                "show {ref} {omove} on a {bg} background[ {dur}]",
                "subject {ref}; motion: {omove}[; {dur}]");
        patterns(all, Task.VIDEO_EDIT, "vedit",
                "edit {clip}: {vedit}",
                "{vedit} in {clip}",
                "in {clip}, {vedit}",
                "{clip} {vedit} pls",
                "take {clip} and {vedit}",
                "use {vmask} as the mask on {clip} and {vedit}",
                "video edit: {vedit}. clip: {clip}",
                "{vmask} marks the area to change in {clip}; {vedit}",
                "{clip}: {vedit}, keep everything else",
                "{vedit} throughout {clip}",
                "redo {clip} but {vedit}",
                "for the clip {clip!}, {vedit} inside the mask {vmask!}");
        patterns(all, Task.VIDEO_CONTROL, "vctrl",
                "use {vctrl} as the motion outline and {colours}",
                "{vv} {a_vid} following {vctrl}: {colours}[ {size}]",
                "colour the outline clip {vctrl!}: {colours}",
                "{vctrl} -> {vid} where {colours}",
                "follow the edges in {vctrl}, {colours}",
                "render {vctrl} as a real video of {ctrlscene}",
                "turn the outline video {vctrl!} into {ctrlscene}[, {size}]",
                "use the pose sequence {vctrl!} to make {ctrlscene}",
                "{vctrl} is the control clip. {colours}",
                "fill in {vctrl}: {colours}",
                "make a clip of {ctrlscene} that follows {vctrl}",
                "outline {vctrl} - {colours} please");
        textQuestions(all);
        asks(all, Task.IMAGE_UNDERSTANDING, "iu",
                "caption|describe {q}",
                "colour|what colour is the {shape} in {q}?",
                "count|how many {shape}s are there in {q}?",
                "caption|{q} what's in this picture?",
                "position|where is the {colour} {shape} in {q}?",
                "relation|is the {colour} {shape} to the left of the {colour2} {shape2} in {q}?|relation=left",
                "shape|what shape is the {colour} object in {q}?",
                "colour|in this {wxh} image {q}, what colour is the {shape}?",
                "caption|caption {q} for me",
                "count|count the {colour} shapes in {q}",
                "relation|{q} is there a {colour} {shape} above the {shape2}?|relation=above",
                "colour|before we make a video out of {q}: which colour is the {shape}?",
                "shape_at|what shape is {cellphrase} of {q}?",
                "count|{q} how many objects? it's a 3 by 3 grid, right?");
        asks(all, Task.VIDEO_UNDERSTANDING, "vu",
                "direction|which way does the {colour} {shape} move in {q}?",
                "direction|in {q}, what direction is the {shape} moving?",
                "moving_object|which object moves in {q}?",
                "direction|{q} does the {shape} grow or shrink?",
                "colour_moving|what colour is the moving shape in {q}?",
                "caption|describe what happens in {q}",
                "count|how many objects are in the first frame of {q}?|frame=first",
                "direction|is the {shape} in this {n}-second clip {q} moving left or right?",
                "moving_shape|what shape moves in {q}?",
                "direction|{q} which direction?",
                "direction|tell me what the {colour} object does in {q}",
                "position|in the last frame of {q}, where is the {shape}?|frame=last");
        return List.copyOf(all);
    }

    private static PlanningData.Split split(int index) {
        return index % 4 == 3 ? PlanningData.Split.HELDOUT : PlanningData.Split.TRAIN;
    }

    private static void add(List<PlanningData.Template> all, Task task, String prefix, List<Consumer<PlanningDraft>> bodies) {
        for (int i = 0; i < bodies.size(); i++) {
            all.add(new PlanningData.Template(String.format(Locale.ROOT, "%s/%02d", prefix, i), task, split(i), bodies.get(i)));
        }
    }

    private static void patterns(List<PlanningData.Template> all, Task task, String prefix, String... patterns) {
        List<Consumer<PlanningDraft>> bodies = new ArrayList<>();
        for (String p : patterns) {
            bodies.add(d -> d.write(p));
        }
        add(all, task, prefix, bodies);
    }

    /** Understanding templates {@code kind|pattern|key=value...}: the answer is a placeholder. */
    private static void asks(List<PlanningData.Template> all, Task task, String prefix, String... specs) {
        List<Consumer<PlanningDraft>> bodies = new ArrayList<>();
        for (String spec : specs) {
            String[] parts = spec.split("\\|");
            String[] extra = Arrays.copyOfRange(parts, 2, parts.length);
            bodies.add(d -> {
                d.write(parts[1]);
                d.ask(parts[0], extra);
            });
        }
        add(all, task, prefix, bodies);
    }

    private static final List<String> WORDS = List.of("one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
            "ten");
    private static final List<Object[]> P_SIZES = List.of(new Object[] {"240p", 320, 240}, new Object[] {"360p", 640, 360},
            new Object[] {"480p", 640, 480}, new Object[] {"720p", 1280, 720}, new Object[] {"1080p", 1920, 1080},
            new Object[] {"2160p", 3840, 2160});
    private static final List<Object[]> RATIO_SIZES = List.of(new Object[] {1920, 1080, "16:9"}, new Object[] {1280, 720, "16:9"},
            new Object[] {1024, 768, "4:3"}, new Object[] {640, 480, "4:3"}, new Object[] {720, 1280, "9:16"},
            new Object[] {1024, 1024, "1:1"}, new Object[] {768, 1024, "3:4"}, new Object[] {512, 512, "1:1"},
            new Object[] {2560, 1080, "64:27"});

    /** Questions whose answer the text determines: durations, resolutions, shapes, counting. */
    private static void textQuestions(List<PlanningData.Template> all) {
        List<Consumer<PlanningDraft>> bodies = List.of(
                d -> {
                    int n = d.pick(1, 10);
                    String amount = d.random().nextBoolean() ? n + (n == 1 ? " second" : " seconds") : WORDS.get(n - 1) + (n == 1 ? " second" : " seconds");
                    d.write("how many frames is ").literal(amount).write(" at 24 fps?");
                    d.answer(Integer.toString(24 * n));
                },
                d -> {
                    int n = d.pick(1, 10);
                    d.write("at 24fps, how many frames does a ").literal(n + "-second").write(" clip have?");
                    d.answer(Integer.toString(24 * n));
                },
                d -> {
                    int k = d.pick(1, 10);
                    d.write("how many seconds is ").literal(24 * k + " frames").write(" at 24 frames per second?");
                    d.answer(Integer.toString(k));
                },
                d -> {
                    Object[] p = P_SIZES.get(d.random().nextInt(P_SIZES.size()));
                    d.write("how wide is a ").literal((String) p[0]).write(" frame in pixels?");
                    d.answer(Integer.toString((int) p[1]));
                },
                d -> {
                    Object[] p = P_SIZES.get(d.random().nextInt(P_SIZES.size()));
                    d.write("what is the height of ").literal((String) p[0]).write(" video?");
                    d.answer(Integer.toString((int) p[2]));
                },
                d -> {
                    int w = 16 * d.pick(4, 80);
                    int h = 16 * d.pick(4, 80);
                    d.write("how many pixels are in a ").literal(w + "x" + h).write(" image?");
                    d.answer(Long.toString((long) w * h));
                },
                d -> {
                    Object[] r = RATIO_SIZES.get(d.random().nextInt(RATIO_SIZES.size()));
                    d.write("what aspect ratio is ").literal(r[0] + "x" + r[1]).write("?");
                    d.answer((String) r[2]);
                },
                d -> {
                    String shape = d.pick(PlanningVocabulary.SHAPES);
                    d.write("how many sides does a ").literal(shape).write(" have?");
                    d.answer(switch (shape) {
                        case "triangle" -> "3";
                        case "square" -> "4";
                        default -> "0";
                    });
                },
                d -> {
                    int a = d.pick(1, 4);
                    int b = d.pick(1, 4);
                    d.write("if a picture has ").literal(a + " " + d.pick(PlanningVocabulary.COLOURS) + " circle" + (a > 1 ? "s" : ""))
                            .write(" and ").literal(b + " " + d.pick(PlanningVocabulary.COLOURS) + " square" + (b > 1 ? "s" : ""))
                            .write(", how many shapes are in it?");
                    d.answer(Integer.toString(a + b));
                },
                d -> {
                    int w = 16 * d.pick(4, 120);
                    int h = d.random().nextDouble() < 0.2 ? w : 16 * d.pick(4, 120);
                    d.write("is a ").literal(w + "x" + h).write(" video landscape, portrait or square?");
                    d.answer(w > h ? "landscape" : w < h ? "portrait" : "square");
                },
                d -> {
                    int i = d.pick(0, P_SIZES.size() - 1);
                    int j = d.pick(0, P_SIZES.size() - 1);
                    while (j == i) {
                        j = d.pick(0, P_SIZES.size() - 1);
                    }
                    d.write("which is bigger, ").literal(P_SIZES.get(i)[0] + " or " + P_SIZES.get(j)[0]).write("?");
                    d.answer((String) P_SIZES.get(Math.max(i, j))[0]);
                },
                d -> {
                    int n = d.pick(2, 10);
                    d.write("i'm making a ").literal(n + "-second").write(" clip at 24 fps. how many frames will it have?");
                    d.answer(Integer.toString(24 * n));
                },
                d -> {
                    d.write("what is ").literal(d.pick(List.of("4K", "4k", "2160p"))).write(" in pixels?");
                    d.answer("3840x2160");
                },
                d -> {
                    int corners = d.pick(3, 4);
                    d.write("what shape has ").literal(WORDS.get(corners - 1)).write(" corners?");
                    d.answer(corners == 3 ? "triangle" : "square");
                });
        add(all, Task.TEXT_UNDERSTANDING, "tu", bodies);
    }
}
