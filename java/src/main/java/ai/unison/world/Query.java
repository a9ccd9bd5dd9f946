package ai.unison.world;

import java.util.List;

/** A request to a model: text plus ordered attachments (images and videos), without any answer. */
public record Query(String text, List<Media> attachments) {
    public Query {
        attachments = List.copyOf(attachments);
        if (attachments.stream().anyMatch(a -> a instanceof Media.Text)) {
            throw new IllegalArgumentException("attachments are images or videos");
        }
    }
}
