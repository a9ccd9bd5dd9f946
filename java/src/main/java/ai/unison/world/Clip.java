package ai.unison.world;

import java.util.Objects;

/**
 * A clip of {@code frameToken + 1} frames at 24 fps: object {@code mover} of {@code start} goes linearly, at
 * constant speed, from its start state to {@code moverEnd}; the other objects stay still.
 */
public record Clip(Scene start, int mover, Motion motion, SceneObject moverEnd, int frameToken) {

    public static final int FPS = 24;

    public Clip {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(motion, "motion");
        Objects.requireNonNull(moverEnd, "moverEnd");
        if (mover < 0 || mover >= start.objects().size()) {
            throw new IllegalArgumentException("mover " + mover + " is not an object of the scene");
        }
        if (frameToken < 1) {
            throw new IllegalArgumentException("a clip needs a frame token of at least 1, got " + frameToken);
        }
        SceneObject m = start.objects().get(mover);
        if (m.shape() != moverEnd.shape() || m.colour() != moverEnd.colour()) {
            throw new IllegalArgumentException("the mover keeps its shape and colour");
        }
    }

    public int frames() {
        return frameToken + 1;
    }

    public SceneObject moverStart() {
        return start.objects().get(mover);
    }

    /** The scene shown in frame {@code k}, 0 ≤ k ≤ frameToken. */
    public Scene sceneAt(int k) {
        if (k < 0 || k > frameToken) {
            throw new IndexOutOfBoundsException("frame " + k + " of a clip with " + frames() + " frames");
        }
        double t = (double) k / frameToken;
        SceneObject a = moverStart();
        SceneObject m = new SceneObject(a.shape(), a.colour(), lerp(a.side(), moverEnd.side(), t),
                lerp(a.x(), moverEnd.x(), t), lerp(a.y(), moverEnd.y(), t));
        return start.replace(mover, m);
    }

    public Scene end() {
        return sceneAt(frameToken);
    }

    /** The same clip with the mover in another colour. */
    public Clip recolourMover(Colour c) {
        return new Clip(start.replace(mover, moverStart().withColour(c)), mover, motion, moverEnd.withColour(c), frameToken);
    }

    private static double lerp(double a, double b, double t) {
        return a + (b - a) * t;
    }
}
