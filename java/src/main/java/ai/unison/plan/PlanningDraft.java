package ai.unison.plan;

import ai.unison.api.Plan;
import ai.unison.api.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * One example being written by a {@link PlanningData} template: renders template patterns, picks
 * slot values, tracks the attachments in order of mention and the meta-information the signal
 * needs, and finally adds politeness, casing and the signal.
 *
 * <p>Pattern syntax: literal text, {@code {slot}}, and optional groups {@code [ ... ]} that are
 * written with all their slots or not at all.
 */
final class PlanningDraft {

    /** How the attachments of one example are given. */
    private enum Mode { INLINE, SEPARATE, MIXED }

    private static final Pattern SPACES = Pattern.compile(" {2,}");
    private static final Pattern SPACE_BEFORE_PUNCTUATION = Pattern.compile(" +([,.:;?!])");
    private static final Pattern A_BEFORE_VOWEL_NOUN = Pattern.compile("\\b([aA]) (animation|illustration|image)\\b");

    private record Mention(String role, String path, boolean inline) {}

    private final Task task;
    private final Random random;
    private final Mode mode;
    private final StringBuilder text = new StringBuilder();
    private final List<Mention> mentions = new ArrayList<>();
    private final Map<String, String> memo = new HashMap<>();
    private final Map<String, String> question = new LinkedHashMap<>();
    private Integer width;
    private Integer height;
    private Integer frameToken;
    private int frameIndex;
    private String answer;
    private boolean imperative;

    PlanningDraft(Task task, Random random) {
        this.task = task;
        this.random = random;
        double m = random.nextDouble();
        this.mode = m < 0.5 ? Mode.INLINE : m < 0.85 ? Mode.SEPARATE : Mode.MIXED;
    }

    Random random() {
        return random;
    }

    // ---- what templates call

    /** Writes a pattern. */
    PlanningDraft write(String pattern) {
        if (text.length() == 0) {
            String first = pattern.split("[ :,]", 2)[0];
            imperative = first.startsWith("{v") || PlanningVocabulary.VERBS.contains(first);
        }
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == '[') {
                int end = pattern.indexOf(']', i);
                String group = pattern.substring(i + 1, end);
                if (random.nextDouble() < groupChance(group)) {
                    write(group);
                }
                i = end + 1;
            } else if (c == '{') {
                int end = pattern.indexOf('}', i);
                text.append(slot(pattern.substring(i + 1, end)));
                i = end + 1;
            } else {
                int end = i;
                while (end < pattern.length() && "[{".indexOf(pattern.charAt(end)) < 0) {
                    end++;
                }
                text.append(typos(pattern.substring(i, end)));
                i = end;
            }
        }
        return this;
    }

    /** Writes text as is: no slots, no typos. */
    PlanningDraft literal(String s) {
        text.append(s);
        return this;
    }

    void answer(String a) {
        answer = a;
    }

    /** Marks an understanding example whose answer depends on its attachment. */
    void ask(String kind, String... extra) {
        question.put("kind", kind);
        for (String key : List.of("shape", "colour", "shape2", "colour2", "cell")) {
            if (memo.containsKey(key)) {
                question.put(key, memo.get(key));
            }
        }
        for (String e : extra) {
            String[] kv = e.split("=", 2);
            question.put(kv[0], kv[1]);
        }
        answer = PlanningData.ANSWER_PLACEHOLDER;
    }

    int pick(int from, int to) {
        return from + random.nextInt(to - from + 1);
    }

    String pick(List<String> options) {
        return options.get(random.nextInt(options.size()));
    }

    /** A value that stays the same for the rest of this example. */
    String memo(String key) {
        return memo.computeIfAbsent(key, k -> switch (k) {
            case "shape" -> pick(PlanningVocabulary.SHAPES);
            case "shape2" -> other(PlanningVocabulary.SHAPES, memo("shape"));
            case "colour" -> pick(PlanningVocabulary.COLOURS);
            case "colour2" -> other(PlanningVocabulary.COLOURS, memo("colour"));
            case "cell" -> pick(PlanningVocabulary.CELLS);
            case "bg" -> pick(PlanningVocabulary.BACKGROUNDS);
            default -> throw new IllegalArgumentException("no memo slot " + k);
        });
    }

    // ---- slots

    private double groupChance(String group) {
        if (group.contains("{size") || group.contains("{sizeadj")) {
            return 0.5;
        }
        if (group.contains("{dur")) {
            return 0.55;
        }
        return 0.6;
    }

    private String slot(String name) {
        return switch (name) {
            case "v" -> pick(PlanningVocabulary.IMAGE_VERBS);
            case "vv" -> pick(PlanningVocabulary.VIDEO_VERBS);
            case "an_img" -> pick(PlanningVocabulary.AN_IMAGE);
            case "img" -> pick(PlanningVocabulary.IMAGE_NOUNS);
            case "a_vid" -> pick(PlanningVocabulary.A_VIDEO);
            case "vid" -> pick(PlanningVocabulary.VIDEO_NOUNS);
            case "content" -> PlanningVocabulary.stillContent(this);
            case "motion" -> PlanningVocabulary.motionContent(this);
            case "edit" -> PlanningVocabulary.imageEdit(this);
            case "vedit" -> PlanningVocabulary.videoEdit(this);
            case "colours" -> PlanningVocabulary.controlColours(this);
            case "colourlist" -> PlanningVocabulary.colourList(this);
            case "ctrlscene" -> PlanningVocabulary.controlScene(this);
            case "place" -> PlanningVocabulary.placement(this);
            case "imove" -> PlanningVocabulary.frameMotion(this);
            case "omove" -> PlanningVocabulary.objectMotion(this);
            case "size" -> size(false);
            case "sizeadj" -> size(true);
            case "dur" -> duration(false);
            case "duradj" -> duration(true);
            case "which" -> which();
            case "shape", "shape2", "colour", "colour2", "bg" -> memo(name);
            case "cellphrase" -> PlanningVocabulary.cellPhrase(this, memo("cell"));
            case "wxh" -> pick(List.of("1024x768", "640x480", "1920x1080", "512x512", "128x128", "800 by 600"));
            case "n" -> memo.computeIfAbsent("n", k -> Integer.toString(pick(2, 9)));
            case "ctrlnoun" -> pick(PlanningVocabulary.CTRL_NOUNS);
            case "vctrlnoun" -> pick(PlanningVocabulary.VCTRL_NOUNS);
            case "subj" -> pick(PlanningVocabulary.SUBJECTS);
            case "subjg" -> pick(PlanningVocabulary.SUBJECT_GENERIC);
            case "photo" -> pick(PlanningVocabulary.PHOTO_NOUNS);
            case "clipn" -> pick(PlanningVocabulary.CLIP_NOUNS);
            case "still" -> pick(PlanningVocabulary.STILL_NOUNS);
            case "scene" -> random.nextDouble() < 0.6 ? pick(PlanningVocabulary.SCENES) : PlanningVocabulary.controlScene(this);
            case "where" -> random.nextDouble() < 0.6 ? pick(PlanningVocabulary.WHERE) : PlanningVocabulary.placement(this);
            case "action" -> random.nextDouble() < 0.6 ? pick(PlanningVocabulary.ACTIONS) : PlanningVocabulary.objectMotion(this);
            case "edit2" -> random.nextDouble() < 0.6 ? pick(PlanningVocabulary.EDITS) : PlanningVocabulary.imageEdit(this);
            case "i2vmove" -> random.nextDouble() < 0.6 ? pick(PlanningVocabulary.I2V_MOTIONS) : PlanningVocabulary.frameMotion(this);
            case "genimg" -> pick(PlanningVocabulary.GEN_NOUNS_IMAGE);
            case "genvid" -> pick(PlanningVocabulary.GEN_NOUNS_VIDEO);
            case "endon", "endson", "ending" -> frameVerb(name, 1);
            case "starton", "startson", "starting" -> frameVerb(name, 0);
            case "topic" -> pick(PlanningVocabulary.TOPICS);
            case "vedit2" -> random.nextDouble() < 0.5 ? pick(PlanningVocabulary.VIDEO_EDITS) : PlanningVocabulary.videoEdit(this);
            case "anything" -> random.nextBoolean() ? PlanningVocabulary.stillContent(this) : pick(PlanningVocabulary.SCENES);
            case "src", "mask", "ref", "ctrl", "frame", "clip", "vmask", "vctrl", "q" -> mention(name, false);
            default -> {
                if (name.startsWith("+")) {
                    yield silentMention(name.substring(1));
                }
                if (name.endsWith("!")) {
                    yield mention(name.substring(0, name.length() - 1), true);
                }
                throw new IllegalArgumentException("unknown slot {" + name + "}");
            }
        };
    }

    private String other(List<String> options, String not) {
        String o;
        do {
            o = pick(options);
        } while (o.equals(not));
        return o;
    }

    private String size(boolean adjective) {
        PlanningVocabulary.Sized s = PlanningVocabulary.size(this, adjective);
        width = s.width();
        height = s.height();
        return s.text();
    }

    private String duration(boolean adjective) {
        PlanningVocabulary.Timed t = PlanningVocabulary.duration(this, adjective);
        frameToken = t.frameToken();
        return t.text();
    }

    /** "ends on this image" and the like: sets the frame reference and names the attachment deictically. */
    private String frameVerb(String form, int index) {
        frameIndex = index;
        memo.put("which", index == 0 ? "first" : "last");
        List<String> verbs = switch (form) {
            case "endon" -> List.of("end on", "end with", "finish on", "finish with", "end at");
            case "endson" -> List.of("ends on", "ends with", "finishes on", "finishes with", "ends at");
            case "ending" -> List.of("ending on", "ending with", "finishing on", "finishing with");
            case "starton" -> List.of("start from", "start with", "begin with", "start on", "begin from");
            case "startson" -> List.of("starts from", "starts with", "begins with", "starts on", "begins from");
            default -> List.of("starting from", "starting with", "beginning with", "starting on");
        };
        return pick(verbs) + " " + pick(List.of("this image", "this pic", "this photo", "this picture", "this frame",
                "this still", "the attached image", "my picture", "that image", "the image", "this shot", "my photo"));
    }

    private String which() {
        return memo.computeIfAbsent("which", k -> {
            frameIndex = random.nextInt(2);
            return pick(frameIndex == 0 ? PlanningVocabulary.FIRST_WORDS : PlanningVocabulary.LAST_WORDS);
        });
    }

    /**
     * An attachment mention: inline {@code ###path###}, or for a separate attachment a phrase such as
     * "this image", or nothing when the template already names it ({@code {mask!}} after "a mask").
     */
    private String mention(String role, boolean named) {
        boolean video = role.equals("clip") || role.equals("vctrl")
                || role.equals("q") && task == Task.VIDEO_UNDERSTANDING
                || role.equals("vmask") && random.nextDouble() < 0.7;
        String path = PlanningVocabulary.path(this, role, video);
        boolean inline = switch (mode) {
            case INLINE -> true;
            case SEPARATE -> false;
            case MIXED -> random.nextBoolean();
        };
        mentions.add(new Mention(role, path, inline));
        if (!inline) {
            return named ? "" : pick(PlanningVocabulary.deictic(role, video));
        }
        String ref = "###" + path + "###";
        if (named) {
            return random.nextDouble() < 0.15 ? "(" + ref + ")" : ref;
        }
        double r = random.nextDouble();
        if (r < 0.2) {
            return pick(PlanningVocabulary.deictic(role, video)) + " " + ref;
        }
        if (r < 0.28) {
            return pick(PlanningVocabulary.deictic(role, video)) + " (" + ref + ")";
        }
        return ref;
    }

    /** An attachment given separately whose mention the template writes itself ("this edge map"), or none. */
    private String silentMention(String role) {
        boolean video = isVideoRole(role);
        mentions.add(new Mention(role, PlanningVocabulary.path(this, role, video), false));
        return "";
    }

    private boolean isVideoRole(String role) {
        return role.equals("clip") || role.equals("vctrl") || role.equals("q") && task == Task.VIDEO_UNDERSTANDING
                || role.equals("vmask") && task == Task.VIDEO_EDIT && random.nextDouble() < 0.7;
    }

    private String typos(String literal) {
        StringBuilder out = new StringBuilder();
        for (String word : literal.split("(?<=\\W)|(?=\\W)")) {
            List<String> variants = PlanningVocabulary.TYPOS.get(word);
            if (variants != null && random.nextDouble() < 0.05) {
                out.append(pick(variants));
            } else if (word.length() >= 4 && word.chars().allMatch(Character::isLetter) && !PROTECTED.contains(word)
                    && random.nextDouble() < 0.03) {
                out.append(misspell(word));
            } else {
                out.append(word);
            }
        }
        return out.toString();
    }

    /** Words the meta-information depends on: never misspelt. */
    private static final java.util.Set<String> PROTECTED = java.util.Set.of("frame", "frames", "first", "last", "final",
            "ending", "closing", "opening", "starting", "start", "initial", "second", "seconds", "square", "portrait",
            "landscape", "vertical", "horizontal", "wide", "tall", "high", "width", "height", "across", "with", "from",
            "this", "that", "image", "picture", "photo", "begin", "begins", "ends", "finish", "finishes", "mask",
            "format", "beginning", "secs", "pixels");

    /** One keyboard slip: a swapped, dropped or doubled letter. */
    private String misspell(String word) {
        int i = 1 + random.nextInt(word.length() - 2);
        return switch (random.nextInt(3)) {
            case 0 -> word.substring(0, i) + word.charAt(i + 1) + word.charAt(i) + word.substring(i + 2);
            case 1 -> word.substring(0, i) + word.substring(i + 1);
            default -> word.substring(0, i) + word.charAt(i) + word.substring(i);
        };
    }

    // ---- the finished example

    PlanningData.Example finish(PlanningData.Template template) {
        String request = dress(extraMeta(text.toString()));
        List<String> separate = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        int inline = 0;
        for (Mention m : mentions) {
            if (m.inline()) {
                index.put(m.role(), inline++);
            }
        }
        for (Mention m : mentions) {
            if (!m.inline()) {
                index.put(m.role(), inline + separate.size());
                separate.add(m.path());
            }
        }
        return new PlanningData.Example(request, separate, signal(index), task, template.id(), template.split(), question);
    }

    private String signal(Map<String, Integer> index) {
        if (task.isUnderstanding()) {
            if (answer == null) {
                throw new IllegalStateException("understanding template gave no answer");
            }
            return answer;
        }
        Plan.Edit edit = null;
        if (task == Task.IMAGE_EDIT) {
            edit = new Plan.Edit(index.getOrDefault("mask", index.get("src")), index.get("src"));
        } else if (task == Task.VIDEO_EDIT) {
            edit = new Plan.Edit(index.getOrDefault("vmask", index.get("clip")), index.get("clip"));
        }
        boolean video = task.output() == Task.Modality.VIDEO;
        Signal s = new Signal(width, height, video ? frameToken : null, task == Task.IMAGE_TO_VIDEO ? frameIndex : null, edit,
                task == Task.IMAGE_REFERENCE || task == Task.VIDEO_REFERENCE,
                task == Task.IMAGE_CONTROL || task == Task.VIDEO_CONTROL,
                video ? Signal.End.VIDEO : Signal.End.IMAGE, null);
        return SignalGrammar.print(s);
    }

    private static final List<String> META_HEAD = List.of("%s, ", "%s: ", "%s. ", "%s - ", "(%s) ", "%s | ", "[%s] ");
    private static final List<String> META_TAIL = List.of(", %s", ". %s", " %s", " - %s", " (%s)", "; %s", ", %s.",
            ". Make it %s.", " — %s", ". %s please", "\n%s", ", oh and %s", ". btw %s");

    /**
     * Size and duration stated apart from the template, before or after the rest, when the template
     * stated none: meta-information anywhere in the request.
     */
    private String extraMeta(String body) {
        if (task.isUnderstanding()) {
            return body;
        }
        String out = body.strip();
        boolean video = task.output() == Task.Modality.VIDEO;
        if (video && frameToken == null && random.nextDouble() < 0.3) {
            out = place(out, duration(random.nextDouble() < 0.15));
        }
        if (width == null && random.nextDouble() < 0.3) {
            out = place(out, size(false));
        }
        return out;
    }

    private String place(String body, String meta) {
        return random.nextDouble() < 0.35 ? String.format(pick(META_HEAD), meta) + body
                : body + String.format(pick(META_TAIL), meta);
    }

    /** Politeness, casing and final punctuation; paths inside {@code ###} keep their case. */
    private String dress(String body) {
        boolean understanding = task.isUnderstanding();
        String prefix = "";
        String suffix = "";
        if (random.nextDouble() < 0.4) {
            prefix = pick(understanding ? PlanningVocabulary.QUESTION_PREFIXES
                    : imperative ? PlanningVocabulary.POLITE_PREFIXES : PlanningVocabulary.NEUTRAL_PREFIXES);
        }
        if (random.nextDouble() < 0.3) {
            suffix = pick(understanding ? PlanningVocabulary.QUESTION_SUFFIXES : PlanningVocabulary.POLITE_SUFFIXES);
        }
        if (prefix.startsWith("could you") || prefix.startsWith("can you")) {
            suffix = "?";
        }
        String s = SPACE_BEFORE_PUNCTUATION.matcher(SPACES.matcher(prefix + body.strip() + suffix).replaceAll(" ")).replaceAll("$1");
        s = A_BEFORE_VOWEL_NOUN.matcher(s).replaceAll("$1n $2");
        double c = random.nextDouble();
        if (c < 0.25) {
            s = Character.toUpperCase(s.charAt(0)) + s.substring(1);
        } else if (c < 0.29) {
            s = upperOutsidePaths(s);
        }
        return s;
    }

    private static String upperOutsidePaths(String s) {
        String[] parts = s.split("###", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            out.append(i % 2 == 0 ? parts[i].toUpperCase(Locale.ROOT) : parts[i]);
            if (i < parts.length - 1) {
                out.append("###");
            }
        }
        return out.toString();
    }
}
