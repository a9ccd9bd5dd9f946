package ai.unison.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.unison.api.Plan;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MetaNormalizerTest {

    private static String size(String text) {
        MetaNormalizer.Meta m = MetaNormalizer.read(text);
        return m.width() == null ? "none" : m.width() + "x" + m.height();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a cat on a sofa, 1024x768|1024x768",
            "a cat on a sofa, 1024×768|1024x768",
            "a cat on a sofa 1024 X 768 px|1024x768",
            "a cat on a sofa at 1024 by 768|1024x768",
            "a cat on a sofa, 1024 wide and 768 tall|1024x768",
            "a cat on a sofa, 1024 wide and 768 high|1024x768",
            "1024px wide, 768px high: a cat|1024x768",
            "a cat, width 1024 and height 768|1024x768",
            "a cat, width: 1024, height: 768|1024x768",
            "a cat with a width of 1024 pixels and a height of 768|1024x768",
            "a cat, height 768 and width 1024|1024x768",
            "a cat, 768 tall and 1024 wide|1024x768",
            "w=1024 h=768 a cat|1024x768",
            "resolution 1024*768.|1024x768"})
    void readsExplicitSizesInEveryListedForm(String text, String expected) {
        assertEquals(expected, size(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a red circle in 240p|320x240",
            "360p clip of a square|640x360",
            "480P please|640x480",
            "a dog at 720p|1280x720",
            "1080p video of the sea|1920x1080",
            "the sea in 4K|3840x2160",
            "the sea, 4k|3840x2160",
            "the sea, 2160p|3840x2160"})
    void readsPNames(String text, String expected) {
        assertEquals(expected, size(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a beach, 16:9|1280x720",
            "a beach in 9:16|720x1280",
            "aspect ratio 4:3|1024x768",
            "a tower, 3:4|768x1024",
            "1:1 image of a cat|1024x1024",
            "cinematic 21:9 shot|1680x720"})
    void readsAspectRatios(String text, String expected) {
        assertEquals(expected, size(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a landscape photo of hills|1280x720",
            "horizontal video of waves|1280x720",
            "widescreen shot of a road|1280x720",
            "portrait of a cat|720x1280",
            "a vertical video of rain|720x1280",
            "a red circle, square format|1024x1024",
            "a square image of a cat|1024x1024",
            "square movie: a circle moving up|1024x1024",
            "a cat, make it square|1024x1024",
            "a cat in square|1024x1024"})
    void readsFormatWords(String text, String expected) {
        assertEquals(expected, size(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "landscape, 800x600|800x600",
            "portrait 512 by 768|512x768",
            "a square image, 640x640|640x640",
            "vertical 1080p|1080x1920",
            "1080p 9:16|1080x1920",
            "720p landscape|1280x720",
            "16:9 widescreen at 480 by 270|480x270"})
    void explicitSizeWinsOverFormatWords(String text, String expected) {
        assertEquals(expected, size(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3 red circles", "a red square and a blue square", "a 3x3 grid of squares",
            "two squares at 10:30", "a large square at the center", "a red square image", "the square video", "moving horizontally",
            "2 by 2 tiles", "version 1.5x2"})
    void distractorsAreNoSize(String text) {
        assertEquals("none", size(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a 3 seconds clip|72",
            "2s of a square sliding|48",
            "3 sec video|72",
            "a 4-second clip|96",
            "for 1 second|24",
            "10 secs long|240",
            "1.5 seconds|36",
            "one second|24",
            "two seconds|48",
            "three-second clip|72",
            "four seconds|96",
            "five seconds|120",
            "six sec|144",
            "seven seconds|168",
            "eight seconds|192",
            "nine seconds|216",
            "ten seconds|240",
            "48 frames|48",
            "about 60 frames|60",
            "a 33-frame clip|33",
            "2 seconds at 24 fps|48",
            "2 seconds, 24 frames per second|48"})
    void readsDurationsAndFrameCounts(String text, int token) {
        assertEquals(token, MetaNormalizer.read(text).frameToken());
    }

    @ParameterizedTest
    @ValueSource(strings = {"3 squares", "a 1950s diner", "24 fps", "four sides", "the first frame is red"})
    void distractorsAreNoDuration(String text) {
        assertNull(MetaNormalizer.read(text).frameToken());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "use this as the first frame|FIRST",
            "as the opening frame|FIRST",
            "the starting frame|FIRST",
            "make it the last frame|LAST",
            "as the final frame|LAST",
            "the ending frame|LAST",
            "use it as the closing frame|LAST",
            "the video should end on this image|LAST",
            "start from this picture|FIRST"})
    void readsFrameReferences(String text, Plan.FrameRef ref) {
        assertEquals(ref, MetaNormalizer.read(text).frameRef());
    }

    @ParameterizedTest
    @ValueSource(strings = {"animate ###last_frame.png### sliding left", "a circle moving up"})
    void noFrameWordIsNoFrameReference(String text) {
        assertNull(MetaNormalizer.read(text).frameRef());
    }

    @ParameterizedTest
    @ValueSource(strings = {"edit ###img_1024x768.png### to make the circle blue"})
    void ignoresNumbersInsideInlinePaths(String text) {
        assertEquals("none", size(text));
    }
}
