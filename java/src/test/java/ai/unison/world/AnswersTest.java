package ai.unison.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AnswersTest {
    @Test
    void normalisesCaseWhitespaceAndFinalPunctuation() {
        assertEquals("red", Answers.normalize("  Red. "));
        assertEquals("yes", Answers.normalize("Yes!"));
        assertEquals("a red circle", Answers.normalize("A  red\tcircle?!"));
    }

    @Test
    void mapsNumberWordsToDigits() {
        assertEquals("3", Answers.normalize("Three"));
        assertEquals("12", Answers.normalize("twelve."));
        assertEquals("2 circles", Answers.normalize("two circles"));
        assertEquals("someone", Answers.normalize("someone"), "only whole words");
    }

    @Test
    void joinsCellNamesWithHyphens() {
        assertEquals("top-left", Answers.normalize("Top Left"));
        assertEquals("bottom-center", Answers.normalize("bottom center"));
        assertEquals("center-right", Answers.normalize("center-right"));
        assertEquals("center", Answers.normalize("Center."));
    }

    @Test
    void comparesAnswersAfterNormalisation() {
        assertTrue(Answers.matches("Four.", "4"));
        assertTrue(Answers.matches("upper", "Upper"));
        assertFalse(Answers.matches("left", "right"));
    }
}
