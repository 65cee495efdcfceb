package io.channels4j.routing;

import io.channels4j.Application;
import io.channels4j.Receive;
import io.channels4j.Scope;
import io.channels4j.Send;

import java.util.ArrayList;
import java.util.List;

/** An application that records the scopes it was run with, and does nothing else. */
final class RecordingApplication implements Application {

    private final String name;
    private final List<Scope> scopes = new ArrayList<>();

    RecordingApplication(String name) {
        this.name = name;
    }

    @Override
    public synchronized void run(Scope scope, Receive receive, Send send) {
        scopes.add(scope);
    }

    /** @return the scope of the only run so far; fails if there was not exactly one */
    synchronized Scope scope() {
        if (scopes.size() != 1) {
            throw new AssertionError(name + " ran " + scopes.size() + " times, expected once");
        }
        return scopes.get(0);
    }

    /** @return how many times it ran */
    synchronized int runs() {
        return scopes.size();
    }

    /**
     * Runs an application the way a server would, with a receive that must not be called and a
     * send that drops everything.
     */
    static void runWith(Application app, Scope scope) throws Exception {
        app.run(scope, () -> {
            throw new AssertionError("receive() called during routing");
        }, msg -> { });
    }

    @Override
    public String toString() {
        return name;
    }
}
