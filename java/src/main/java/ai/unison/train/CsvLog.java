package ai.unison.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** A CSV file whose first column is the step; appended row by row so a crash loses nothing logged. */
final class CsvLog {
    private final Path file;
    private final String header;

    CsvLog(Path file, String header) {
        this.file = file;
        this.header = header;
    }

    /**
     * Starts the log for a run that begins after {@code step} completed steps: a fresh file with just the
     * header at step 0, else the existing rows up to {@code step} (later rows came from a run that did not
     * reach its next checkpoint and will be logged again).
     */
    void startAt(long step) {
        try {
            List<String> keep = new ArrayList<>();
            keep.add(header);
            if (step > 0 && Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    int comma = line.indexOf(',');
                    if (comma > 0 && !line.equals(header) && Long.parseLong(line.substring(0, comma)) <= step) {
                        keep.add(line);
                    }
                }
            }
            Files.write(file, keep, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    void append(String row) {
        try {
            Files.writeString(file, row + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }
}
