package ai.unison.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * JSON for the whole runtime. {@link #readConfig} maps an upstream {@code config.json} (snake_case)
 * onto a record: unknown fields are tolerated, fields marked
 * {@code @JsonProperty(required = true)} must be present, and errors name the file and the field.
 */
public final class Json {
    /** Plain mapper: field names as written. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    /** Mapper for upstream configs: record components in camelCase read snake_case keys. */
    public static final ObjectMapper CONFIG = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    private Json() {
    }

    public static JsonNode readTree(Path file) {
        try {
            return MAPPER.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, "file not found");
        } catch (JsonProcessingException e) {
            throw new ConfigException(file, "invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    public static <T> T readConfig(Path file, Class<T> type) {
        JsonNode tree = readTree(file);
        if (!tree.isObject()) {
            throw new ConfigException(file, "expected a JSON object");
        }
        try {
            return CONFIG.treeToValue(tree, type);
        } catch (MismatchedInputException e) {
            String field = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                    : "[" + r.getIndex() + "]").collect(Collectors.joining("."));
            String msg = e.getOriginalMessage();
            if (msg.startsWith("Missing required creator property")) {
                int a = msg.indexOf('\'');
                int b = msg.indexOf('\'', a + 1);
                String name = a >= 0 && b > a ? msg.substring(a + 1, b) : field;
                throw new ConfigException(file, "missing required field '" + name + "' for " + type.getSimpleName());
            }
            throw new ConfigException(file, "field '" + field + "': " + msg);
        } catch (JsonProcessingException e) {
            throw new ConfigException(file, "cannot map to " + type.getSimpleName() + ": " + e.getOriginalMessage());
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }
}
