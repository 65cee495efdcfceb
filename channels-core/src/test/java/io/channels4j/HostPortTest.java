package io.channels4j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostPortTest {

    @Test
    void rejectsPortAboveRange_namingValue() {
        assertThatThrownBy(() -> new HostPort("localhost", 70000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be 0..65535, was 70000");
    }

    @Test
    void rejectsNegativePort_namingValue() {
        assertThatThrownBy(() -> new HostPort("localhost", -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be 0..65535, was -1");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 8000, 65535})
    void acceptsPortsInRange(int port) {
        assertThat(new HostPort("h", port).port()).isEqualTo(port);
    }

    @Test
    void rejectsNullHost() {
        assertThatThrownBy(() -> new HostPort(null, 80)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void toString_isHostColonPort() {
        assertThat(new HostPort("127.0.0.1", 8000)).hasToString("127.0.0.1:8000");
        assertThat(new HostPort("example.com", 443)).hasToString("example.com:443");
    }

    @Test
    void toString_bracketsIpv6Hosts() {
        assertThat(new HostPort("::1", 8000)).hasToString("[::1]:8000");
        assertThat(new HostPort("2001:db8::1", 0)).hasToString("[2001:db8::1]:0");
    }

    @Test
    void equality_isByHostAndPort() {
        assertThat(new HostPort("h", 1)).isEqualTo(new HostPort("h", 1));
        assertThat(new HostPort("h", 1)).isNotEqualTo(new HostPort("h", 2));
    }
}
