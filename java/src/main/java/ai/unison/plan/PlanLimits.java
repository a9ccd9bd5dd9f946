package ai.unison.plan;

import ai.unison.api.Plan;
import ai.unison.api.PlanException;

/**
 * Caps on what a request may ask for. Plans beyond them are refused with an error that names the
 * cap, the field and the value; snapping to values an expert accepts is the router's job.
 *
 * @param maxSide        largest width or height in pixels
 * @param maxPixels      largest width × height
 * @param maxFrames      largest frame count N+1 (so N ≤ maxFrames − 1)
 * @param maxAttachments most attachments per request
 */
public record PlanLimits(int maxSide, long maxPixels, int maxFrames, int maxAttachments) {

    /** 4096 px per side, 3840×2160 pixels, 1025 frames, 8 attachments. */
    public static final PlanLimits DEFAULTS = new PlanLimits(4096, 3840L * 2160, 1025, 8);

    public PlanLimits {
        if (maxSide < 1 || maxPixels < 1 || maxFrames < 1 || maxAttachments < 0) {
            throw new IllegalArgumentException("limits must be positive: " + maxSide + ", " + maxPixels + ", "
                    + maxFrames + ", " + maxAttachments);
        }
    }

    /** Largest frame token N a signal may carry. */
    public int maxFrameToken() {
        return maxFrames - 1;
    }

    /** Throws when a plan's size, frame count or attachments exceed these limits. */
    public void validate(Plan plan) {
        if (plan.width() != null) {
            checkSide("width", plan.width());
            checkSide("height", plan.height());
            long pixels = (long) plan.width() * plan.height();
            if (pixels > maxPixels) {
                throw new PlanException("width × height " + plan.width() + "×" + plan.height() + " = " + pixels
                        + " pixels exceeds the cap maxPixels=" + maxPixels);
            }
        }
        if (plan.frames() != null && plan.frames() > maxFrames) {
            throw new PlanException("frames " + plan.frames() + " exceeds the cap maxFrames=" + maxFrames);
        }
        checkAttachments(plan.attachments().size());
    }

    /** Throws when a request has more attachments than allowed. */
    public void checkAttachments(int count) {
        if (count > maxAttachments) {
            throw new PlanException("attachments " + count + " exceeds the cap maxAttachments=" + maxAttachments);
        }
    }

    private void checkSide(String field, int value) {
        if (value > maxSide) {
            throw new PlanException(field + " " + value + " exceeds the cap maxSide=" + maxSide);
        }
    }
}
