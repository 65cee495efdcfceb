package io.channels4j.server;

import io.channels4j.Application;
import io.channels4j.Events;
import io.channels4j.Headers;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** Applications named the ways the command line can name them: {@code io.channels4j.server.AsgiFixture:member}. */
public final class AsgiFixture {

    /** Answers any HTTP request with {@code hello <path>}. */
    static final Application HELLO = (scope, receive, send) -> {
        if (!"http".equals(scope.type())) {
            return;
        }
        receive.receive();
        send.send(Events.httpResponseStart(200, Headers.of("content-type", "text/plain; charset=utf-8")));
        send.send(Events.httpResponseBody(("hello " + scope.path()).getBytes(StandardCharsets.UTF_8), false));
    };

    public static final Application application = HELLO;

    public static final Supplier<Application> supplier = () -> HELLO;

    public static final String notAnApplication = "not an application";

    public static final Supplier<Object> suppliesString = () -> "still not an application";

    public static final Application nothing = null;

    public static final Supplier<Application> throwingSupplier = () -> {
        throw new IllegalStateException("boom in supplier");
    };

    public final Application instanceField = HELLO;

    static final Application packagePrivate = HELLO;

    private AsgiFixture() {
    }

    public static Application method() {
        return HELLO;
    }

    public static Supplier<Application> supplierMethod() {
        return () -> HELLO;
    }

    public static Application throwing() {
        throw new IllegalStateException("boom in method");
    }

    public static Application withParameter(String name) {
        return HELLO;
    }
}
