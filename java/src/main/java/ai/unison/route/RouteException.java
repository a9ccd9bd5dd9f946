package ai.unison.route;

/** A plan that no installed expert can run; the message names the task and what is installed. */
public class RouteException extends RuntimeException {
    public RouteException(String message) {
        super(message);
    }
}
