package ai.unison.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The words {@link PlanningData} fills templates with: shapes-world content (SHAPES-WORLD.md),
 * general content, and every way of writing sizes, durations and frame references that
 * {@link MetaNormalizer} reads. General content avoids words that the normaliser reads as formats
 * (landscape, portrait, square, vertical, horizontal), so that labels stay exact.
 */
final class PlanningVocabulary {

    private PlanningVocabulary() {}

    record Sized(String text, int width, int height) {}

    record Timed(String text, int frameToken) {}

    static final List<String> SHAPES = List.of("circle", "square", "triangle");
    static final List<String> COLOURS = List.of("red", "orange", "yellow", "green", "blue", "purple", "pink", "brown",
            "black", "white");
    static final List<String> CELLS = List.of("top-left", "top-center", "top-right", "center-left", "center",
            "center-right", "bottom-left", "bottom-center", "bottom-right");
    static final List<String> BACKGROUNDS = List.of("gray", "black", "white");

    static final Set<String> VERBS = Set.of("generate", "create", "make", "draw", "render", "produce", "paint", "design",
            "edit", "use", "animate", "turn", "put", "place", "take", "apply", "colour", "fill", "follow", "show", "film",
            "start", "bring", "copy", "keep", "redo", "recolour", "describe", "count", "caption", "tell");
    static final List<String> IMAGE_VERBS = List.of("generate", "create", "make", "draw", "render", "produce", "paint", "design");
    static final List<String> VIDEO_VERBS = List.of("generate", "create", "make", "render", "produce", "film");
    static final List<String> AN_IMAGE = List.of("an image", "a picture", "a photo", "an illustration", "a pic", "a drawing");
    static final List<String> IMAGE_NOUNS = List.of("image", "picture", "photo", "illustration", "pic", "drawing");
    static final List<String> A_VIDEO = List.of("a video", "a clip", "an animation", "a short video", "a video clip", "a movie");
    static final List<String> VIDEO_NOUNS = List.of("video", "clip", "animation", "video clip", "movie");

    static final List<String> FIRST_WORDS = List.of("first", "opening", "starting", "start", "initial");
    static final List<String> LAST_WORDS = List.of("last", "final", "ending", "closing", "end");

    static final List<String> POLITE_PREFIXES = List.of("please ", "Please ", "could you ", "can you ", "pls ", "kindly ",
            "hey, ", "hi! ", "I'd like you to ", "I need you to ", "would you ", "ok, ", "yo ", "hey can u ", "could u ",
            "Hello! Please ", "hi there, ", "pls pls ", "ok now ", "next: ", "also, ", "alright, ", "Hey assistant, ");
    static final List<String> NEUTRAL_PREFIXES = List.of("hey, ", "hi! ", "ok so ", "quick one: ", "request: ",
            "yo ", "hmm... ", "ok ", "so, ", "hello, ", "next one: ", "idea: ", "i'd love ", "could i get ", "gimme ");
    static final List<String> QUESTION_PREFIXES = List.of("hey, ", "quick question: ", "hi! ", "ok so ", "question: ",
            "hmm, ", "sorry, ", "hello! ", "random q: ", "one more thing: ", "btw ", "i'm curious: ");
    static final List<String> POLITE_SUFFIXES = List.of(" please", ", please", ", thanks", ". thank you!", " thx", " :)", "!",
            ".", " ty", "... thanks in advance", "!!", " 🙏", " asap", " thx!!", " :D", " 😊", " <3",
            ". cheers", " (thanks!)", ", ty!", "?", " lol", " ok?", " 🎬", " ✨", " 🔥", " 🎨", " 📷", " 🎥", " 👍");
    static final List<String> QUESTION_SUFFIXES = List.of(" thanks", " :)", " please", " thx", "??", " 🤔",
            " thanks!", " ty", " lol", " pls", "...");

    /** Misspellings of words that occur in templates (never in sizes or durations). */
    static final Map<String, List<String>> TYPOS = Map.ofEntries(
            Map.entry("generate", List.of("genrate", "generat", "gnerate")),
            Map.entry("create", List.of("craete", "creat")),
            Map.entry("make", List.of("mkae", "amke")),
            Map.entry("image", List.of("imgae", "iamge", "imag")),
            Map.entry("picture", List.of("pictrue", "picutre")),
            Map.entry("video", List.of("vidoe", "viedo", "vid")),
            Map.entry("clip", List.of("cilp")),
            Map.entry("please", List.of("pls", "plz", "pleas")),
            Map.entry("with", List.of("wiht", "w/")),
            Map.entry("the", List.of("teh", "hte")),
            Map.entry("object", List.of("obejct", "objcet")),
            Map.entry("outline", List.of("outlien", "outine")),
            Map.entry("reference", List.of("refrence", "referance")),
            Map.entry("colour", List.of("color", "colur")),
            Map.entry("animate", List.of("animat", "anmate")),
            Map.entry("mask", List.of("msak")),
            Map.entry("where", List.of("wher", "were")),
            Map.entry("which", List.of("wich", "whcih")),
            Map.entry("what", List.of("waht", "wat")),
            Map.entry("describe", List.of("descibe", "decsribe")),
            Map.entry("there", List.of("ther", "thier")));

    private static final List<String> GENERAL_STILL = List.of("a cat on a sofa", "a lighthouse at dusk",
            "a bowl of ramen with chopsticks", "a red bicycle leaning against a brick wall", "a city skyline at night",
            "a fox in the snow", "an astronaut riding a horse", "a cup of coffee on a wooden table",
            "a watercolor painting of a mountain lake", "a cozy reading nook with a lamp", "a robot watering plants",
            "a bowl of fruit", "two dogs playing in a park", "a birthday cake with 5 candles", "a clock showing 10:30",
            "a football jersey with the number 23", "an old map of an island", "a hot air balloon over fields",
            "a snowy cabin in the woods", "a plate of sushi", "a sunflower field under a blue sky",
            "a knight in shining armour", "a steaming teapot", "a neon sign that says open", "a tree house in an oak tree",
            "a close-up of a honeybee on a flower", "a vintage car on a desert road", "a sailboat on a calm sea",
            "a stack of pancakes with syrup", "a pixel-art dragon", "a paper crane on a desk", "a street market in the rain",
            "a chessboard mid-game", "a group of 4 friends at a picnic", "a 3-layer chocolate cake",
            "a highway sign for exit 42", "a bookshelf with 12 books", "a red panda eating bamboo",
            "a hotel door with room number 101", "a 3x3 grid of colourful tiles", "a poster that says 2024",
            "a receipt for 19.99 dollars", "a dartboard with 3 darts in the bullseye");
    private static final List<String> GENERAL_MOTION = List.of("a dog running on the beach", "waves crashing on rocks",
            "a car driving through the rain at night", "leaves falling in autumn", "a timelapse of clouds over mountains",
            "a ball bouncing 3 times", "a candle flickering in the dark", "a cat chasing a laser dot",
            "fireworks over a harbour", "a train passing through a tunnel", "a person juggling 3 oranges",
            "snow falling on a quiet street", "a hummingbird hovering near a flower", "a windmill turning slowly",
            "smoke rising from a chimney", "a paper boat floating down a stream", "two kids flying a kite",
            "a rocket lifting off", "a jellyfish drifting in dark water", "a countdown from 10 to 1 on a screen",
            "3 balloons floating up", "a runner finishing a 100 m race");
    private static final List<String> SIZE_WORDS = List.of("", "", "small ", "large ", "big ", "tiny ");
    private static final List<String> MOVING = List.of("moving", "sliding", "drifting", "travelling", "gliding", "going");
    private static final Map<String, List<String>> DIRECTIONS = Map.of(
            "left", List.of("to the left", "left", "leftwards", "from right to left"),
            "right", List.of("to the right", "right", "rightwards", "from left to right"),
            "up", List.of("up", "upwards", "toward the top"),
            "down", List.of("down", "downwards", "toward the bottom"));

    // ---- nouns and phrases that carry the task (control maps, reference subjects, source photos)

    static final List<String> CTRL_NOUNS = List.of("edge map", "canny map", "canny edges", "depth map", "pose", "pose skeleton",
            "openpose skeleton", "scribble", "sketch", "line art", "lineart", "outline", "contour drawing", "layout sketch",
            "wireframe", "segmentation map", "doodle", "edges", "line drawing", "stick figure pose", "normal map",
            "rough sketch", "pencil sketch", "canny image", "edge image", "structure map");
    static final List<String> VCTRL_NOUNS = List.of("pose video", "depth video", "edge video", "canny video", "outline clip",
            "outline video", "pose sequence", "skeleton animation", "depth clip", "line-art video", "motion outline",
            "edges clip", "openpose clip", "sketch animation", "control video", "canny clip", "edge-map video",
            "depth-map clip");
    static final List<String> SUBJECTS = List.of("my cat", "this product", "the object", "my dog", "this toy", "the character", "this logo",
            "this person", "the shape", "this mug", "my plushie", "this robot", "the thing", "this figure", "my avatar",
            "this bottle", "this sneaker", "our brand character", "the item", "this lamp", "this chair", "my hamster",
            "the teddy bear", "the subject", "this cartoon bird", "the red triangle", "the blue circle", "this shape",
            "my character", "the little robot", "the product", "my grandma's vase", "this action figure", "my parrot",
            "the green square", "this handbag", "my car", "the guy in the photo", "this dude", "this cute frog",
            "my kid's drawing of a monster", "this headphone set", "the mascot");
    static final List<String> SUBJECT_GENERIC = List.of("the object", "the thing", "the subject", "the shape", "the item",
            "the character", "the figure", "the toy", "the animal", "the person", "the logo", "the product");
    static final List<String> PHOTO_NOUNS = List.of("photo", "pic", "picture", "image", "shot", "screenshot", "selfie", "scan",
            "snapshot", "jpeg", "png", "render");
    static final List<String> CLIP_NOUNS = List.of("video", "clip", "vid", "footage", "recording", "movie", "video clip");
    static final List<String> STILL_NOUNS = List.of("this photo", "my drawing", "this picture", "the image", "this still",
            "this pic", "my painting", "this screenshot", "the attached picture", "this frame", "my photo", "the png",
            "this artwork", "the attached image", "this shot");
    static final List<String> SCENES = List.of("a photo of an old church", "a painting of a wolf", "a blue convertible", "a samurai", "a modern bathroom",
            "a farmhouse", "an anime boy", "a castle at sunset", "a futuristic city", "a forest path", "a bowl of fruit",
            "a robot", "a dancer on a stage", "a tiger", "an oil painting of a harbour", "a comic book style hero",
            "a photo of a living room", "a neon city street", "a snowy village", "a cute dragon", "a marble statue",
            "a spaceship interior", "a flower garden", "a pencil drawing", "a mountain painting",
            "a chase through a market", "a beach stroll", "a ballerina", "a zombie", "a soldier marching",
            "a realistic cat", "a glass skyscraper", "a watercolor bird", "a pixel art game level", "a claymation figure");
    static final List<String> WHERE = List.of("on a beach", "in the top right corner", "in a snowy forest", "on a kitchen table", "next to a window",
            "in space", "on a city street", "at the center", "on a white background", "under a tree",
            "in the middle of a desert", "on a bookshelf", "on a t-shirt", "in a fantasy castle", "at the bottom left",
            "on top of a mountain", "in a cafe", "floating over the ocean", "in the left corner", "on a billboard",
            "inside a fishbowl", "in a field of flowers", "on mars", "in a living room", "on a skateboard", "in the rain",
            "next to the eiffel tower", "on a pizza", "on a red background", "in the bottom right", "in a jungle",
            "on a wooden desk", "at a birthday party");
    static final List<String> ACTIONS = List.of("spinning", "dancing", "jumping up and down", "waving", "rotating slowly", "bouncing", "sliding down",
            "growing", "shrinking", "swimming", "driving down a road", "floating in space", "walking left",
            "moving to the right", "turning around", "doing a backflip", "climbing a wall", "rolling across the floor",
            "sitting and blinking", "hopping", "drifting up", "running through a park", "skiing down a hill",
            "surfing a wave", "marching in a parade", "flying through clouds", "playing the guitar", "wobbling",
            "sliding left", "moving up", "zooming past");
    static final List<String> EDITS = List.of("remove the car", "get rid of the person in the back", "make it black and white", "fix the lighting",
            "remove the text", "put sunglasses on him", "make the sky pink", "replace the sofa with a bed",
            "delete everything inside the mask", "paint the door blue", "remove the watermark", "brighten it up",
            "make the grass greener", "recolor the car yellow", "add snow", "remove the red circle",
            "fill the masked area with flowers", "make the square purple", "swap the background for a beach",
            "remove my ex", "clean up the stains", "turn the shirt green", "erase the wires", "make the dog smile",
            "add a rainbow", "change her hair to blonde", "make the circle yellow", "remove the blue square",
            "replace the sky with stars", "make the walls white", "take out the trash can", "make it night time",
            "recolour the triangle red", "add a moon", "retouch the skin", "photoshop the bin out",
            "give the dog a party hat", "give him a moustache", "give the house a red door", "photoshop my brother out");
    static final List<String> I2V_MOTIONS = List.of("pan to the left", "the water ripples", "her hair blows in the wind", "the leaves fall", "the square spins",
            "camera orbits around", "the clouds move", "the dog wags its tail", "make it rain", "the car drives away",
            "the circle shrinks", "the triangle moves left", "add gentle motion", "the birds fly off",
            "make the flames flicker", "the shapes drift apart", "the camera pushes in", "the boat rocks on the waves",
            "the kid waves", "the square slides up", "make everything sway", "the lights blink", "slow zoom out",
            "the circle bounces");
    static final List<String> VIDEO_EDITS = List.of("remove the car", "make it night time", "blur the license plate",
            "make it look like winter", "replace the sky", "turn the car blue", "remove the person walking by",
            "add falling snow", "make it black and white", "recolor the jacket red", "change the background to a beach",
            "remove the text overlay", "make the ball orange", "erase the boom mic", "make the triangle yellow",
            "change the moving square to green", "remove the red circle", "make the water purple");
    static final List<String> TOPICS = List.of("aspect ratios", "frame rates", "resolutions", "masks", "pose videos",
            "depth maps", "edge maps", "diffusion models", "keyframes", "video codecs", "color grading", "composition rules",
            "the rule of thirds", "4k screens", "vertical videos", "gifs", "pixels", "triangles", "circles", "squares",
            "complementary colours", "lens flares", "motion blur", "inpainting", "reference images", "storyboards",
            "thumbnails", "widescreen formats", "24 fps", "timelapses");
    static final List<String> GEN_NOUNS_IMAGE = List.of("a pic", "an image", "a picture", "a drawing", "a wallpaper",
            "a thumbnail", "a banner", "a poster", "an illustration", "a photo", "art", "a render", "a logo", "an icon",
            "a painting", "a sketch", "a cover image", "a header image");
    static final List<String> GEN_NOUNS_VIDEO = List.of("a video", "a clip", "a vid", "an animation", "a gif", "a short film",
            "a loop", "a reel", "a movie", "footage", "a short clip", "an animated clip", "a video loop", "a tiktok",
            "a timelapse");

    // ---- content

    static String article(String phrase) {
        return ("aeiou".indexOf(phrase.charAt(0)) >= 0 ? "an " : "a ") + phrase;
    }

    private static String object(PlanningDraft d, String background) {
        String colour;
        do {
            colour = d.pick(COLOURS);
        } while (colour.equals(background));
        return d.pick(SIZE_WORDS) + colour + " " + d.pick(SHAPES);
    }

    /** A background for a scene, or null for the default; objects are never its colour. */
    private static String background(PlanningDraft d, double chance) {
        return d.random().nextDouble() < chance ? d.pick(BACKGROUNDS) : null;
    }

    private static String onBackground(String s, String background) {
        return background == null ? s : s + " on a " + background + " background";
    }

    static String cellPhrase(PlanningDraft d, String cell) {
        List<String> options = new ArrayList<>(List.of("at the " + cell, "in the " + cell, "at the " + cell.replace('-', ' ')));
        if (cell.startsWith("top-") || cell.startsWith("bottom-")) {
            if (!cell.endsWith("center")) {
                options.add("in the " + cell.replace('-', ' ') + " corner");
                options.add("in the " + cell.replace("top-", "upper ").replace("bottom-", "lower ") + " corner");
            } else {
                options.add(cell.startsWith("top") ? "at the top" : "at the bottom");
            }
        }
        switch (cell) {
            case "center" -> options.addAll(List.of("in the middle", "in the centre", "at the center"));
            case "center-left" -> options.addAll(List.of("on the left", "at the left"));
            case "center-right" -> options.addAll(List.of("on the right", "at the right"));
            default -> { }
        }
        return d.pick(options);
    }

    static String stillContent(PlanningDraft d) {
        double r = d.random().nextDouble();
        if (r < 0.35) {
            return GENERAL_STILL.get(d.random().nextInt(GENERAL_STILL.size()));
        }
        String background = background(d, 0.4);
        if (r < 0.6) {
            int n = d.pick(2, 4);
            String count = d.random().nextBoolean() ? Integer.toString(n) : List.of("two", "three", "four").get(n - 2);
            String s = count + " " + object(d, background) + "s";
            return onBackground(d.random().nextBoolean() ? s : s + " and " + article(object(d, background)), background);
        }
        int k = d.pick(1, 3);
        List<String> objects = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            String o = article(object(d, background));
            objects.add(d.random().nextDouble() < 0.6 ? o + " " + cellPhrase(d, d.pick(CELLS)) : o);
        }
        String s = objects.size() == 1 ? objects.get(0)
                : String.join(", ", objects.subList(0, objects.size() - 1)) + " and " + objects.get(objects.size() - 1);
        return onBackground(s, background);
    }

    static String motionContent(PlanningDraft d) {
        if (d.random().nextDouble() < 0.35) {
            return GENERAL_MOTION.get(d.random().nextInt(GENERAL_MOTION.size()));
        }
        String background = background(d, 0.3);
        String o = article(object(d, background));
        String motion = switch (d.pick(0, 5)) {
            case 0 -> "that grows";
            case 1 -> d.pick(List.of("shrinking", "that shrinks", "getting smaller"));
            case 2 -> d.pick(List.of("growing", "getting bigger"));
            default -> d.pick(MOVING) + " " + d.pick(DIRECTIONS.get(d.pick(List.of("left", "right", "up", "down"))));
        };
        String s = o + " " + motion;
        if (d.random().nextDouble() < 0.25) {
            s += " while " + article(object(d, background)) + " stays still";
        }
        return onBackground(s, background);
    }

    static String imageEdit(PlanningDraft d) {
        if (d.random().nextDouble() < 0.3) {
            return d.pick(List.of("make the sky purple", "turn it into a winter scene", "remove the car",
                    "change the shirt to red", "add a hat to the dog", "make it look like a watercolor",
                    "replace the background with a beach", "remove the person on the left", "make the walls green"));
        }
        String shape = d.pick(SHAPES);
        String colour = d.pick(COLOURS);
        return switch (d.pick(0, 7)) {
            case 0 -> "make the " + shape + " " + colour;
            case 1 -> "recolour the " + d.pick(COLOURS) + " " + shape + " to " + colour;
            case 2 -> "change the colour of the " + shape + " to " + colour;
            case 3 -> "remove the " + colour + " " + shape;
            case 4 -> d.random().nextBoolean() ? "delete the " + shape : "add " + d.pick(2, 3) + " " + colour + " " + shape + "s";
            case 5 -> "add " + article(colour + " " + shape) + " " + cellPhrase(d, d.pick(CELLS));
            case 6 -> "replace the " + shape + " with " + article(colour + " " + d.pick(SHAPES));
            default -> "turn the " + shape + " into " + article(d.pick(SHAPES));
        };
    }

    static String videoEdit(PlanningDraft d) {
        if (d.random().nextDouble() < 0.25) {
            return d.pick(List.of("make the car red", "change the sky to a sunset", "make the dog's fur white",
                    "turn the leaves orange", "make the water look green"));
        }
        String shape = d.pick(SHAPES);
        String colour = d.pick(COLOURS);
        return switch (d.pick(0, 3)) {
            case 0 -> "make the moving " + shape + " " + colour;
            case 1 -> "recolour the " + d.pick(COLOURS) + " " + shape + " to " + colour;
            case 2 -> "turn the moving object " + colour;
            default -> "change the colour of the " + shape + " to " + colour;
        };
    }

    static String controlColours(PlanningDraft d) {
        if (d.random().nextDouble() < 0.2) {
            return d.pick(List.of("make it a castle on a hill", "it should be a cozy living room",
                    "make it a robot in a garden", "make it look like a city street"));
        }
        String a = d.pick(SHAPES);
        String b = d.pick(SHAPES);
        return switch (d.pick(0, 3)) {
            case 0 -> "the " + a + " is " + d.pick(COLOURS) + (a.equals(b) ? "" : " and the " + b + " is " + d.pick(COLOURS));
            case 1 -> "colour the " + a + " " + d.pick(COLOURS);
            case 2 -> "make the " + a + " " + d.pick(COLOURS) + " and the background " + d.pick(BACKGROUNDS);
            default -> "fill every shape with " + d.pick(COLOURS);
        };
    }

    /** Two or three different colours as a list: "green, purple and orange", "red and blue". */
    static String colourList(PlanningDraft d) {
        String a = d.pick(COLOURS);
        String b;
        do {
            b = d.pick(COLOURS);
        } while (b.equals(a));
        if (d.random().nextBoolean()) {
            return a + " and " + b;
        }
        String c;
        do {
            c = d.pick(COLOURS);
        } while (c.equals(a) || c.equals(b));
        return a + ", " + b + " and " + c;
    }

    static String controlScene(PlanningDraft d) {
        if (d.random().nextDouble() < 0.3) {
            return d.pick(List.of("a castle on a hill", "a robot in a garden", "a dancer in a red dress",
                    "a running horse", "a living room with a fireplace"));
        }
        String s = article(d.pick(COLOURS) + " " + d.pick(SHAPES));
        return d.random().nextBoolean() ? s : s + " and " + article(d.pick(COLOURS) + " " + d.pick(SHAPES));
    }

    static String placement(PlanningDraft d) {
        if (d.random().nextDouble() < 0.2) {
            return d.pick(List.of("on a beach", "in a snowy forest", "on a kitchen table", "next to a window"));
        }
        String s = cellPhrase(d, d.pick(CELLS));
        return d.random().nextDouble() < 0.4 ? s + " on a " + d.pick(BACKGROUNDS) + " background" : s;
    }

    static String frameMotion(PlanningDraft d) {
        if (d.random().nextDouble() < 0.25) {
            return d.pick(List.of("the waves start moving", "the cat turns its head", "the clouds drift by",
                    "the flag waves in the wind", "the camera slowly zooms in"));
        }
        String shape = d.pick(SHAPES);
        String dir = d.pick(List.of("left", "right", "up", "down"));
        return switch (d.pick(0, 4)) {
            case 0 -> "the " + d.pick(COLOURS) + " " + shape + " moves " + d.pick(DIRECTIONS.get(dir));
            case 1 -> "make the " + shape + " slide " + d.pick(DIRECTIONS.get(dir));
            case 2 -> "the " + shape + " grows";
            case 3 -> "the " + shape + " shrinks";
            default -> "the " + shape + " goes " + d.pick(DIRECTIONS.get(dir));
        };
    }

    static String objectMotion(PlanningDraft d) {
        if (d.random().nextDouble() < 0.2) {
            return d.pick(List.of("walking through a forest", "spinning slowly", "dancing on a stage", "floating in space"));
        }
        return switch (d.pick(0, 3)) {
            case 0 -> "growing";
            case 1 -> "shrinking";
            default -> d.pick(MOVING) + " " + d.pick(DIRECTIONS.get(d.pick(List.of("left", "right", "up", "down"))));
        };
    }

    // ---- sizes

    private static final List<int[]> COMMON_SIZES = List.of(new int[] {512, 512}, new int[] {768, 512},
            new int[] {1024, 768}, new int[] {768, 480}, new int[] {640, 480}, new int[] {1280, 720}, new int[] {720, 1280},
            new int[] {1024, 1024}, new int[] {832, 480}, new int[] {480, 832}, new int[] {256, 256}, new int[] {128, 128},
            new int[] {96, 96}, new int[] {320, 240}, new int[] {1920, 1080}, new int[] {2048, 1024}, new int[] {600, 400},
            new int[] {300, 200}, new int[] {1000, 500}, new int[] {160, 96});
    private static final List<String> EXPLICIT = List.of("at %Wx%H", "in %Wx%H", "%Wx%H", "(%Wx%H)", "%W×%H", "at %W×%H",
            "%W x %H", "sized %WX%H", "%W*%H", "at %W by %H", "%W by %H pixels", "%Wx%Hpx", "%Wpx by %Hpx", "resolution %Wx%H",
            "at a resolution of %W×%H", "size: %Wx%H", "%W wide and %H tall", "%W pixels wide and %H pixels high",
            "%Wpx wide, %Hpx tall", "that is %W wide and %H high", "with width %W and height %H", "width: %W, height: %H",
            "with a width of %W and a height of %H", "height %H and width %W", "%H tall and %W wide", "w=%W h=%H",
            "%W × %H pixels", "%W by %H", "like %Wx%H", "%W wide by %H high", "%Wx%H px", "res %Wx%H",
            "resolution: %W x %H", "%Wx%H resolution", "%W by %H px", "around %Wx%H", "dimensions %Wx%H",
            "%W px wide and %H px tall", "%W wide, %H tall", "make it %Wx%H", "output %Wx%H", "size %W×%H",
            "%W*%H pixels", "%W x %H px", "exactly %Wx%H", "w %W h %H", "width=%W height=%H", "W: %W, H: %H",
            "width %W, height %H", "%H high and %W wide", "canvas %Wx%H", "%Wx%H please", "%W × %H");
    private static final List<String> EXPLICIT_ADJ = List.of("%Wx%H", "%W×%H", "%Wx%Hpx", "%W by %H", "%W x %H", "%WX%H");
    private static final List<String> COMBOS = List.of("in landscape at %Wx%H", "portrait, %W by %H", "%Wx%H (landscape)",
            "16:9 at %Wx%H", "square format, %Wx%H", "vertical, %W×%H", "720p, no wait, %Wx%H");
    private static final List<Object[]> P_NAMES = List.of(new Object[] {"240p", 320, 240}, new Object[] {"360p", 640, 360},
            new Object[] {"480p", 640, 480}, new Object[] {"720p", 1280, 720}, new Object[] {"720P", 1280, 720},
            new Object[] {"1080p", 1920, 1080}, new Object[] {"1080P", 1920, 1080}, new Object[] {"4K", 3840, 2160},
            new Object[] {"4k", 3840, 2160}, new Object[] {"2160p", 3840, 2160});
    private static final List<String> P_GLUE = List.of("in %s", "at %s", "%s", "in %s resolution", "%s quality", "(%s)");
    private static final List<String> P_UPRIGHT = List.of("in vertical %s", "%s, portrait", "%s vertical", "%s in portrait mode");
    private static final List<Object[]> RATIOS = List.of(new Object[] {"16:9", 1280, 720}, new Object[] {"9:16", 720, 1280},
            new Object[] {"4:3", 1024, 768}, new Object[] {"3:4", 768, 1024}, new Object[] {"1:1", 1024, 1024},
            new Object[] {"21:9", 1680, 720});
    private static final List<String> RATIO_GLUE = List.of("in %s", "%s", "with a %s aspect ratio", "aspect ratio %s",
            "at %s", "%s aspect", "ratio %s");
    private static final List<Object[]> FORMATS = List.of(
            new Object[] {List.of("in landscape", "landscape format", "in landscape orientation", "horizontal", "in widescreen",
                    "widescreen format", "landscape mode"), List.of("landscape", "horizontal", "widescreen"), 1280, 720},
            new Object[] {List.of("in portrait mode", "portrait orientation", "in portrait", "vertical format", "vertical"),
                    List.of("portrait", "vertical"), 720, 1280},
            new Object[] {List.of("in square format", "square format", "square aspect", "in square", "square crop"),
                    List.of("square"), 1024, 1024});

    @SuppressWarnings("unchecked")
    static Sized size(PlanningDraft d, boolean adjective) {
        double r = d.random().nextDouble();
        if (r < 0.5 || adjective && r >= 0.95) {
            int[] wh = explicitSize(d);
            return explicit(d.pick(adjective ? EXPLICIT_ADJ : EXPLICIT), wh);
        }
        if (r < 0.68) {
            Object[] p = P_NAMES.get(d.random().nextInt(P_NAMES.size()));
            if (!adjective && d.random().nextDouble() < 0.2) {
                return new Sized(String.format(d.pick(P_UPRIGHT), p[0]), (int) p[2], (int) p[1]);
            }
            return new Sized(adjective ? (String) p[0] : String.format(d.pick(P_GLUE), p[0]), (int) p[1], (int) p[2]);
        }
        if (r < 0.82) {
            Object[] q = RATIOS.get(d.random().nextInt(RATIOS.size()));
            return new Sized(adjective ? (String) q[0] : String.format(d.pick(RATIO_GLUE), q[0]), (int) q[1], (int) q[2]);
        }
        if (r < 0.95) {
            Object[] f = FORMATS.get(d.random().nextInt(FORMATS.size()));
            return new Sized(d.pick((List<String>) f[adjective ? 1 : 0]), (int) f[2], (int) f[3]);
        }
        return explicit(d.pick(COMBOS), explicitSize(d));
    }

    private static int[] explicitSize(PlanningDraft d) {
        double r = d.random().nextDouble();
        if (r < 0.35) {
            return COMMON_SIZES.get(d.random().nextInt(COMMON_SIZES.size()));
        }
        if (r < 0.6) {
            return new int[] {16 * d.pick(4, 128), 16 * d.pick(4, 128)};
        }
        if (r < 0.8) {
            return new int[] {50 * d.pick(2, 60), 50 * d.pick(2, 40)};
        }
        if (r < 0.9) {
            int w = 8 * d.pick(8, 300);
            return d.random().nextBoolean() ? new int[] {w, w} : new int[] {w, 8 * d.pick(8, 250)};
        }
        return new int[] {d.pick(40, 3000), d.pick(40, 2000)};
    }

    private static Sized explicit(String form, int[] wh) {
        return new Sized(form.replace("%W", Integer.toString(wh[0])).replace("%H", Integer.toString(wh[1])), wh[0], wh[1]);
    }

    // ---- durations

    private static final List<String> NUMBER_WORDS = List.of("one", "two", "three", "four", "five", "six", "seven", "eight",
            "nine", "ten");
    private static final List<String> DURATION_GLUE = List.of("lasting %s", "for %s", "%s long", "about %s", "that runs %s",
            "%s", "duration %s", "around %s", "roughly %s", "length: %s", "make it %s long", "%s total", "length %s",
            "%s in length", "just %s", "only %s", "approx %s", "~%s", "%s max", "keep it %s", "it should be %s long",
            "runtime %s", "Length — %s", "%s please", "%s or so");
    private static final List<Integer> FRAME_COUNTS = List.of(16, 24, 32, 40, 48, 60, 64, 80, 96, 120, 8, 12, 20, 36, 72,
            100, 144, 150, 200, 240, 30, 50, 90, 160);

    static Timed duration(PlanningDraft d, boolean adjective) {
        double r = d.random().nextDouble();
        if (r < 0.85) {
            boolean half = r >= 0.8;
            double seconds = half ? d.pick(0, 3) + 0.5 : d.random().nextDouble() < 0.15 ? d.pick(11, 30) : d.pick(1, 10);
            boolean words = !half && seconds <= 10 && r >= 0.62;
            String number = half ? Double.toString(seconds)
                    : words ? NUMBER_WORDS.get((int) seconds - 1) : Integer.toString((int) seconds);
            int token = (int) Math.round(seconds * SignalGrammar.FPS);
            if (adjective) {
                String form = words ? d.pick(List.of("%n-second", "%n second")) : d.pick(List.of("%n-second", "%ns", "%n sec",
                        "%n-sec", "%n second"));
                return new Timed(form.replace("%n", number), token);
            }
            String unit = words ? d.pick(seconds == 1 ? List.of("second") : List.of("seconds", "secs"))
                    : d.pick(seconds == 1 ? List.of("second", "sec", "s") : List.of("seconds", "secs", "sec", "s"));
            String amount = unit.equals("s") ? number + "s" : number + " " + unit;
            return new Timed(String.format(d.pick(DURATION_GLUE), amount), token);
        }
        int frames = FRAME_COUNTS.get(d.random().nextInt(FRAME_COUNTS.size()));
        String form = adjective ? d.pick(List.of("%m-frame", "%m frame")) : d.pick(List.of("with %m frames", "%m frames long",
                "about %m frames", "around %m frames", "of %m frames", "%m frames", "%m frames total", "exactly %m frames",
                "%m frames please", "make it %m frames"));
        return new Timed(form.replace("%m", Integer.toString(frames)), frames);
    }

    // ---- attachments

    private static final Map<String, List<String>> IMAGE_PATHS = Map.of(
            "src", List.of("photo.png", "input.jpg", "scene.png", "img_01.jpeg", "uploads/IMG_4032.JPG",
                    "/home/ana/pics/beach.jpg", "shapes_7.png", "C:/Users/bo/Desktop/room.png", "image (2).png",
                    "render_1024x768.png"),
            "mask", List.of("mask.png", "mask_01.png", "masks/m3.png", "edit_mask.jpg", "region.png"),
            "vmask", List.of("mask.png", "mask_frame.png", "region.jpg"),
            "ref", List.of("ref.png", "object.png", "reference.jpg", "cat_cutout.png", "item_3.png", "sticker.jpeg"),
            "ctrl", List.of("outline.png", "edges.png", "sketch.jpg", "canny.png", "pose.png", "lineart.jpeg"),
            "frame", List.of("frame.png", "first.png", "start.jpg", "still.png", "keyframe_12.png", "end.png", "shot.jpeg"),
            "q", List.of("q.png", "test.jpg", "shapes_3.png", "photo.jpeg", "screenshot.png", "scene_640x480.png"));
    private static final Map<String, List<String>> VIDEO_PATHS = Map.of(
            "clip", List.of("clip.mp4", "input.mov", "video.avi", "anim.gif", "shapes_12.mp4", "recording 3.mov",
                    "/data/clips/walk.mp4"),
            "vmask", List.of("mask.mp4", "mask_clip.mov", "masks/track.avi"),
            "vctrl", List.of("outline.mp4", "edges.mov", "pose_seq.mp4", "sketch.gif", "outline_clip.avi"),
            "q", List.of("q.mp4", "test.mov", "shapes_5.mp4", "clip.avi", "movie.gif"));

    static String path(PlanningDraft d, String role, boolean video) {
        return d.pick((video ? VIDEO_PATHS : IMAGE_PATHS).get(role));
    }

    static List<String> deictic(String role, boolean video) {
        return switch (role) {
            case "src" -> List.of("this image", "this photo", "the attached image", "my picture", "the image", "this pic");
            case "mask", "vmask" -> List.of("this mask", "the mask", "the attached mask", "the mask file");
            case "ref" -> List.of("this object", "the reference image", "this reference", "the attached object", "this picture");
            case "ctrl" -> List.of("this outline", "this sketch", "the attached edge map", "this line drawing", "the outline image");
            case "frame" -> List.of("this image", "this picture", "the attached image", "this photo", "this still");
            case "clip" -> List.of("this clip", "this video", "the attached video", "my video", "the clip");
            case "vctrl" -> List.of("this outline clip", "the attached outline video", "this pose video", "the control clip");
            case "q" -> video ? List.of("this video", "this clip", "the attached clip", "the video")
                    : List.of("this image", "this picture", "the attached image", "the photo");
            default -> throw new IllegalArgumentException("no role " + role);
        };
    }
}
