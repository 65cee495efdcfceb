package io.channels4j;

import io.channels4j.middleware.AuthMiddlewareStack;
import io.channels4j.middleware.Middleware;
import io.channels4j.middleware.OriginValidator;
import io.channels4j.routing.ProtocolTypeRouter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Chains of delegating applications run in one loop, with the effect of nested calls. */
class DelegatingTest {

    private static final Receive NOTHING = () -> Message.of("type", "websocket.connect");
    private static final Send DISCARD = message -> { };

    /** Adds its name to the scope's "path" attribute, to show the order. */
    private static final class Step extends Middleware {
        private final String name;

        Step(String name, Application inner) {
            super(inner);
            this.name = name;
        }

        @Override
        protected Scope populateScope(Scope scope) {
            Object before = scope.attribute("steps");
            return scope.with("steps", before == null ? name : before + ">" + name);
        }
    }

    /** Records the class names on the stack of the thread that runs it. */
    private static final class StackRecorder implements Application {
        final List<String> classes = new ArrayList<>();
        final AtomicReference<Scope> scope = new AtomicReference<>();

        @Override
        public void run(Scope s, Receive receive, Send send) {
            scope.set(s);
            StackWalker.getInstance().forEach(frame -> classes.add(frame.getClassName()));
        }
    }

    @Test
    void aTypicalStack_isNotOnTheConnectionsStack_andEveryStepRanInOrder() throws Exception {
        StackRecorder consumer = new StackRecorder();
        Application application = ProtocolTypeRouter.builder()
                .websocket(new OriginValidator(AuthMiddlewareStack.wrap(new Step("a", new Step("b", consumer))),
                        List.of("*")))
                .build();

        application.run(Scope.websocket("/ws/chat/lobby/"), NOTHING, DISCARD);

        assertThat(consumer.scope.get().attribute("steps")).isEqualTo("a>b");
        assertThat(consumer.scope.get().hasAttribute("session")).isTrue();
        assertThat(consumer.scope.get().hasAttribute("user")).isTrue();
        // one loop frame (Delegating.run) instead of one or two frames per router and middleware
        assertThat(consumer.classes).filteredOn(c -> c.startsWith("io.channels4j.middleware.")
                || c.startsWith("io.channels4j.routing.") || c.contains("DelegatingTest$Step")).isEmpty();
        assertThat(consumer.classes).filteredOn(c -> c.equals(Delegating.class.getName())).hasSize(1);
    }

    @Test
    void aMiddlewareThatOverridesRun_isRunThroughItsOverride() throws Exception {
        List<String> calls = new ArrayList<>();
        StackRecorder consumer = new StackRecorder();
        Middleware wrapping = new Middleware(new Step("inner", consumer)) {
            @Override
            public void run(Scope scope, Receive receive, Send send) throws Exception {
                calls.add("before");
                inner.run(scope.with("wrapped", true), receive, send);
                calls.add("after");
            }
        };

        new Step("outer", wrapping).run(Scope.websocket("/"), NOTHING, DISCARD);

        assertThat(calls).containsExactly("before", "after");
        assertThat(consumer.scope.get().attribute("steps")).isEqualTo("outer>inner");
        assertThat(consumer.scope.get().attribute("wrapped")).isEqualTo(true);
    }

    @Test
    void wrappedReceiveAndSend_reachTheFinalApplication() throws Exception {
        List<Message> sent = new ArrayList<>();
        Delegating tagging = (scope, receive, send) -> new Delegating.Next(
                (s, r, out) -> out.send(r.receive()),
                scope,
                () -> receive.receive().with("tagged", true),
                message -> send.send(message.with("sentThrough", "tagging")));

        tagging.run(Scope.websocket("/"), NOTHING, sent::add);

        assertThat(sent).containsExactly(Message.of("type", "websocket.connect", "tagged", true,
                "sentThrough", "tagging"));
    }

    @Test
    void anExceptionFromNext_endsTheChain_asFromRun() {
        StackRecorder consumer = new StackRecorder();
        Application application = new Step("a", new OriginValidator(consumer, List.of("*")));

        assertThatThrownBy(() -> application.run(Scope.http("GET", "/"), NOTHING, DISCARD))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-WebSocket connection");
        assertThat(consumer.scope.get()).isNull();
    }

    @Test
    void next_refusesNulls() {
        Scope scope = Scope.websocket("/");
        Application app = (s, r, out) -> { };

        assertThatThrownBy(() -> new Delegating.Next(null, scope, NOTHING, DISCARD))
                .isInstanceOf(NullPointerException.class).hasMessage("application");
        assertThatThrownBy(() -> new Delegating.Next(app, null, NOTHING, DISCARD)).hasMessage("scope");
        assertThatThrownBy(() -> new Delegating.Next(app, scope, null, DISCARD)).hasMessage("receive");
        assertThatThrownBy(() -> new Delegating.Next(app, scope, NOTHING, null)).hasMessage("send");
    }

    @Test
    void aCycle_failsInsteadOfSpinning() {
        Delegating[] self = new Delegating[1];
        self[0] = (scope, receive, send) -> new Delegating.Next(self[0], scope, receive, send);

        assertThatThrownBy(() -> self[0].run(Scope.websocket("/"), NOTHING, DISCARD))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("more than 1000 delegating applications in a row");
    }
}
