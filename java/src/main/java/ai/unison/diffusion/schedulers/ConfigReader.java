package ai.unison.diffusion.schedulers;

import ai.unison.io.ConfigException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one scheduler's {@code scheduler_config.json} fields, each with the upstream default, and
 * refuses what would silently change the math: a value outside the implemented choices, a field that
 * is implemented only at its default, or an unknown field that is set (an unknown field that is
 * {@code null} or {@code false} asks for nothing and is ignored; so are {@code _}-prefixed metadata).
 */
final class ConfigReader {
    private final Path source;
    private final String className;
    private final ObjectNode node;
    private final Set<String> read = new HashSet<>();

    ConfigReader(Path source, String className, ObjectNode node) {
        this.source = source;
        this.className = className;
        this.node = node;
    }

    String className() {
        return className;
    }

    int integer(String key, int def) {
        JsonNode v = value(key);
        if (v == null) {
            return def;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() && v.asDouble() != Math.rint(v.asDouble())) {
            throw fail(key, "expected an integer, got " + v);
        }
        return v.asInt();
    }

    double real(String key, double def) {
        JsonNode v = value(key);
        if (v == null) {
            return def;
        }
        if (!v.isNumber()) {
            throw fail(key, "expected a number, got " + v);
        }
        return v.asDouble();
    }

    /** A number, or NaN when absent or null. */
    double optionalReal(String key) {
        return real(key, Double.NaN);
    }

    boolean bool(String key, boolean def) {
        JsonNode v = value(key);
        if (v == null) {
            return def;
        }
        if (!v.isBoolean()) {
            throw fail(key, "expected true or false, got " + v);
        }
        return v.asBoolean();
    }

    /** A string that must be one of {@code allowed}; the error lists them. */
    String choice(String key, String def, String... allowed) {
        JsonNode v = value(key);
        String s = v == null ? def : v.isTextual() ? v.asText() : null;
        if (s == null || !Arrays.asList(allowed).contains(s)) {
            throw fail(key, (v == null ? "null" : v.toString()) + " is not implemented for " + className
                    + "; implemented: " + String.join(", ", allowed));
        }
        return s;
    }

    /** A list of numbers, or null when absent or null. */
    double[] reals(String key) {
        JsonNode v = value(key);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            throw fail(key, "expected a list of numbers, got " + v);
        }
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!v.get(i).isNumber()) {
                throw fail(key, "expected a list of numbers, got " + v);
            }
            out[i] = v.get(i).asDouble();
        }
        return out;
    }

    /** Integers in a list (possibly empty); absent or null reads as empty. */
    int[] integers(String key) {
        double[] r = reals(key);
        if (r == null) {
            return new int[0];
        }
        int[] out = new int[r.length];
        for (int i = 0; i < r.length; i++) {
            if (r[i] != Math.rint(r[i])) {
                throw fail(key, "expected integers, got " + node.get(key));
            }
            out[i] = (int) r[i];
        }
        return out;
    }

    /**
     * A field this implementation supports only at its upstream default (false, null, or the given
     * value): anything else is an error naming the field.
     */
    void requireDefault(String key, Object def) {
        JsonNode v = value(key);
        if (v == null || isInert(v) && def == null) {
            return;
        }
        boolean same = def instanceof Boolean b ? v.isBoolean() && v.asBoolean() == b
                : def instanceof Number n ? v.isNumber() && v.asDouble() == n.doubleValue()
                : def instanceof String s ? v.isTextual() && v.asText().equals(s)
                : false;
        if (!same) {
            throw fail(key, v + " is not implemented for " + className + " (only " + def + ")");
        }
    }

    /** A field that does not change sampling (thresholding parameters while thresholding is off, ...). */
    void ignore(String... keys) {
        read.addAll(List.of(keys));
    }

    /** Fails on any field that was not read and asks for something (not null, not false). */
    void finish() {
        List<String> unknown = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().startsWith("_") && !read.contains(e.getKey()) && !isInert(e.getValue())) {
                unknown.add(e.getKey() + "=" + e.getValue());
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException(source, "unknown field(s) " + String.join(", ", unknown) + " for "
                    + className + ": not implemented, refusing to guess what they change");
        }
    }

    ConfigException fail(String key, String message) {
        return new ConfigException(source, "field '" + key + "': " + message);
    }

    private JsonNode value(String key) {
        read.add(key);
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    private static boolean isInert(JsonNode v) {
        return v.isNull() || v.isBoolean() && !v.asBoolean();
    }
}
