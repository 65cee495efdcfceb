package io.channels4j.routing;

import io.channels4j.Scope;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.channels4j.routing.RecordingApplication.runWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ChannelNameRouterTest {

    private final RecordingApplication thumbnails = new RecordingApplication("thumbnails");
    private final RecordingApplication mail = new RecordingApplication("mail");
    private final ChannelNameRouter router = ChannelNameRouter.of(Map.of("thumbnails", thumbnails, "mail", mail));

    @Test
    void run_dispatchesOnChannelName() throws Exception {
        Scope scope = Scope.builder(Scope.CHANNEL).channel("thumbnails").build();

        runWith(router, scope);

        assertThat(thumbnails.scope()).isSameAs(scope);
        assertThat(mail.runs()).isZero();
    }

    @Test
    void run_rejectsUnknownChannelNamingIt() {
        NoRouteFoundException e = catchThrowableOfType(NoRouteFoundException.class,
                () -> runWith(router, Scope.builder(Scope.CHANNEL).channel("videos").build()));

        assertThat(e).hasMessage("No application configured for channel name 'videos'; configured channels: [mail, thumbnails]");
        assertThat(e.channel()).isEqualTo("videos");
        assertThat(e.scopeType()).isEqualTo(Scope.CHANNEL);
        assertThat(e.path()).isNull();
    }

    @Test
    void run_rejectsNonChannelScopes() {
        assertThatThrownBy(() -> runWith(router, Scope.websocket("/thumbnails/")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'websocket' scope without a channel name");
        assertThatThrownBy(() -> runWith(router, Scope.builder(Scope.CHANNEL).build()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void runsUnderProtocolTypeRouter() throws Exception {
        ProtocolTypeRouter top = ProtocolTypeRouter.builder().channel(router).build();

        runWith(top, Scope.builder(Scope.CHANNEL).channel("mail").build());

        assertThat(mail.runs()).isOne();
    }
}
