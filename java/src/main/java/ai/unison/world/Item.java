package ai.unison.world;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** What scene equality compares: an object's shape, colour and grid cell (size is not scored). */
public record Item(Shape shape, Colour colour, Cell cell) {

    private static final Comparator<Item> ORDER =
            Comparator.comparing(Item::cell).thenComparing(Item::shape).thenComparing(Item::colour);

    /** The items as a sorted list, so that two multisets are equal exactly when the lists are. */
    static List<Item> sorted(Collection<Item> items) {
        List<Item> list = new ArrayList<>(items);
        list.sort(ORDER);
        return List.copyOf(list);
    }
}
