package io.channels4j.worker;

import io.channels4j.ApplicationLoader;

import java.util.List;

import io.channels4j.Application;
import io.channels4j.Receive;
import io.channels4j.Scope;
import io.channels4j.Send;

import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerApplicationLoadingTest {

    static final Application APP = (scope, receive, send) -> { };

    /** Every form a reference can take. */
    public static final class Holder {
        private Holder() {
        }

        public static final Application field = APP;
        public static final Application application = APP;
        public static final Supplier<Application> supplier = () -> APP;
        public static final Object notAnApp = "text";
        public static final Application nothing = null;
        static final Application hidden = APP;

        public static Application method() {
            return APP;
        }

        public static Application failing() {
            throw new IllegalStateException("no config");
        }
    }

    /** An application class with a public no-arg constructor. */
    public static final class AppClass implements Application {
        @Override
        public void run(Scope scope, Receive receive, Send send) {
        }
    }

    /** A supplier class. */
    public static final class SupplierClass implements Supplier<Application> {
        @Override
        public Application get() {
            return APP;
        }
    }

    /** Neither an application nor a holder. */
    public static final class Plain {
        private Plain() {
        }
    }

    private static Application load(String reference) throws ApplicationLoader.LoadException {
        return ApplicationLoader.load(reference, WorkerApplicationLoadingTest.class.getClassLoader());
    }

    private static String holder() {
        return Holder.class.getName();
    }

    @Test
    void staticFieldMethodAndSupplier() throws Exception {
        assertThat(load(holder() + ":field")).isSameAs(APP);
        assertThat(load(holder() + ":method")).isSameAs(APP);
        assertThat(load(holder() + ":supplier")).isSameAs(APP);
        assertThat(load(holder())).as("the default member").isSameAs(APP);
    }

    @Test
    void nestedClassesMayUseADot() throws Exception {
        String dotted = WorkerApplicationLoadingTest.class.getName() + ".Holder:field";
        assertThat(load(dotted)).isSameAs(APP);
    }

    @Test
    void classThatIsAnApplicationOrSupplier() throws Exception {
        assertThat(load(AppClass.class.getName())).isInstanceOf(AppClass.class);
        assertThat(load(SupplierClass.class.getName())).isSameAs(APP);
    }

    @Test
    void errorsSayWhatIsWrong() {
        // the worker shares the server's ApplicationLoader; its messages are checked case by case
        // in channels-server's ApplicationLoaderTest, so here: every case fails, naming the cause
        for (String bad : List.of("com.example.Missing:app", holder() + ":absent", holder() + ":hidden",
                holder() + ":notAnApp", holder() + ":nothing", holder() + ":failing", Plain.class.getName(),
                holder() + ":")) {
            assertThatThrownBy(() -> load(bad)).as(bad).isInstanceOf(ApplicationLoader.LoadException.class)
                    .message().isNotBlank();
        }
        assertThatThrownBy(() -> load("com.example.Missing:app")).hasMessageContaining("com.example.Missing not found");
        assertThatThrownBy(() -> load(holder() + ":failing")).hasMessageContaining("no config");
    }
}
