package io.channels4j.server;

import io.channels4j.Application;
import io.channels4j.Receive;
import io.channels4j.Scope;
import io.channels4j.Send;

import java.util.function.Supplier;

/** Classes named without a member: {@code io.channels4j.server.ClassFormsFixture$Implementing}. */
public final class ClassFormsFixture {

    private ClassFormsFixture() {
    }

    /** The class is the application. */
    public static final class Implementing implements Application {
        public Implementing() {
        }

        @Override
        public void run(Scope scope, Receive receive, Send send) throws Exception {
            AsgiFixture.HELLO.run(scope, receive, send);
        }
    }

    /** The class supplies the application. */
    public static final class Supplying implements Supplier<Application> {
        public Supplying() {
        }

        @Override
        public Application get() {
            return AsgiFixture.HELLO;
        }
    }

    /** The class has a static method named {@code application}. */
    public static final class WithApplicationMethod {
        private WithApplicationMethod() {
        }

        public static Application application() {
            return AsgiFixture.HELLO;
        }
    }

    /** Neither an application nor a holder of one. */
    public static final class Plain {
        private Plain() {
        }
    }

    /** An application whose constructor fails. */
    public static final class FailingConstructor implements Application {
        public FailingConstructor() {
            throw new IllegalStateException("boom in constructor");
        }

        @Override
        public void run(Scope scope, Receive receive, Send send) {
        }
    }

    /** A holder whose static initialisation fails. */
    public static final class FailingStaticInit {
        private FailingStaticInit() {
        }

        public static final Application application = fail();

        private static Application fail() {
            throw new IllegalStateException("boom in static init");
        }
    }

    /** An application without a no-arg constructor. */
    public static final class NoDefaultConstructor implements Application {
        public NoDefaultConstructor(String name) {
        }

        @Override
        public void run(Scope scope, Receive receive, Send send) {
        }
    }

    /** An abstract application. */
    public abstract static class Abstract implements Application {
        protected Abstract() {
        }

    }
}
