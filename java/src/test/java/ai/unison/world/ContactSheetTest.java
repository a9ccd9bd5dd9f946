package ai.unison.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContactSheetTest {
    private static final Frame RED = Frame.filled(10, 8, Colour.RED.rgb());
    private static final Frame BLUE = Frame.filled(10, 8, Colour.BLUE.rgb());

    @Test
    void placesFramesInRowsOfTheGivenColumns() {
        Frame sheet = ContactSheet.compose(List.of(RED, BLUE, RED), 2);
        assertEquals(2 + 2 * (10 + 2), sheet.width());
        assertEquals(2 + 2 * (8 + 2), sheet.height());
        assertEquals(Colour.RED.rgb(), sheet.rgb(2, 2));
        assertEquals(Colour.BLUE.rgb(), sheet.rgb(14, 2));
        assertEquals(Colour.RED.rgb(), sheet.rgb(2, 12));
        assertEquals(0x202020, sheet.rgb(14, 12), "the empty cell stays paper");
    }

    @Test
    void printsScoresInAStripUnderEachFrame(@TempDir Path dir) throws Exception {
        Frame sheet = ContactSheet.compose(List.of(RED, BLUE), 2, List.of(1.0, 0.25));
        assertEquals(2 + 8 + 14 + 2, sheet.height());
        int ink = 0;
        for (int y = 10; y < sheet.height(); y++) {
            for (int x = 0; x < sheet.width(); x++) {
                ink += sheet.rgb(x, y) == 0xFFFFFF ? 1 : 0;
            }
        }
        assertTrue(ink > 40, "digits are drawn, " + ink + " ink pixels");
        Path png = dir.resolve("sheet.png");
        ContactSheet.write(List.of(RED, BLUE), 2, List.of(1.0, 0.25), png);
        assertEquals(sheet, Frame.readPng(png));
        assertTrue(Files.size(png) > 0);
    }
}
