package ai.unison.route;

import ai.unison.api.Settings;
import ai.unison.api.Size;

/** Where a generation plan goes and how it runs there. */
public record Route(Expert expert, Size requested, Size executed, Settings settings) {
}
