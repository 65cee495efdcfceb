package io.channels4j.middleware;

import io.channels4j.Application;
import io.channels4j.Message;
import io.channels4j.Scope;
import io.channels4j.ScopeKey;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MiddlewareTest {

    static final ScopeKey<String> TENANT = ScopeKey.of("tenant", String.class);

    /** Adds the Host header as a tenant. */
    static final class TenantMiddleware extends Middleware {
        TenantMiddleware(Application inner) {
            super(inner);
        }

        @Override
        protected Scope populateScope(Scope scope) {
            return scope.with(TENANT, "acme");
        }
    }

    @Test
    void populateScope_reachesInner_callerScopeUnchanged() throws Exception {
        AtomicReference<Scope> seen = new AtomicReference<>();
        Scope original = Scope.websocket("/ws/");

        new TenantMiddleware((scope, receive, send) -> seen.set(scope)).run(original, () -> null, m -> { });

        assertThat(seen.get().get(TENANT)).isEqualTo("acme");
        assertThat(seen.get().path()).isEqualTo("/ws/");
        assertThat(original.get(TENANT)).isNull();
    }

    @Test
    void defaultPopulateScope_passesScopeReceiveAndSendThrough() throws Exception {
        AtomicReference<Scope> seen = new AtomicReference<>();
        List<Message> sent = new ArrayList<>();
        Scope original = Scope.http("GET", "/");
        Middleware passThrough = new Middleware((scope, receive, send) -> {
            seen.set(scope);
            send.send(receive.receive());
        }) { };

        passThrough.run(original, () -> Message.of("type", "x"), sent::add);

        assertThat(seen.get()).isSameAs(original);
        assertThat(sent).containsExactly(Message.of("type", "x"));
    }

    @Test
    void populateScopeFailure_innerNeverRuns() {
        List<Scope> seen = new ArrayList<>();
        Middleware refusing = new Middleware((scope, receive, send) -> seen.add(scope)) {
            @Override
            protected Scope populateScope(Scope scope) {
                throw new IllegalStateException("no tenant");
            }
        };

        assertThatThrownBy(() -> refusing.run(Scope.websocket("/"), () -> null, m -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessage("no tenant");
        assertThat(seen).isEmpty();
    }

    @Test
    void nullInner_rejected() {
        assertThatThrownBy(() -> new TenantMiddleware(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("inner application");
    }

    @Test
    void oneInstance_servesConcurrentConnections_withoutSharingState() throws Exception {
        Middleware middleware = new Middleware((scope, receive, send) -> send.send(Message.of("path", scope.path()))) {
            @Override
            protected Scope populateScope(Scope scope) {
                return scope.with(TENANT, scope.path());
            }
        };
        List<Thread> threads = new ArrayList<>();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 50; i++) {
            String path = "/t" + i;
            threads.add(Thread.ofVirtual().name("conn-" + i).start(() -> {
                try {
                    middleware.run(Scope.websocket(path), () -> null, m -> {
                        if (!path.equals(m.getString("path"))) {
                            errors.add(path + " saw " + m);
                        }
                    });
                } catch (Exception e) {
                    errors.add(e.toString());
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(errors).isEmpty();
    }
}
