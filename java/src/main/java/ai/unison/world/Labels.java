package ai.unison.world;

import java.util.Locale;

/** The one spelling rule of the world's enums: lower case, words joined by hyphens ("top-left"). */
final class Labels {
    private Labels() {}

    static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a label written with hyphens or spaces, in any case. */
    static <E extends Enum<E>> E parse(Class<E> type, String text) {
        String key = text.trim().toUpperCase(Locale.ROOT).replaceAll("[\\s-]+", "_");
        try {
            return Enum.valueOf(type, key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "not a " + type.getSimpleName().toLowerCase(Locale.ROOT) + ": '" + text + "'", e);
        }
    }
}
