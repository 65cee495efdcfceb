package io.channels4j.bench.soak;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcSampleTest {

    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void read_givesThisProcessesRssThreadsAndFds() {
        ProcSample sample = ProcSample.read(SELF, 1).orElseThrow();

        assertThat(sample.rssKb()).isGreaterThan(10_000);
        assertThat(sample.threads()).isGreaterThan(1);
        assertThat(sample.fds()).isGreaterThan(3);
        assertThat(sample.redisSockets()).isZero();
    }

    @Test
    void read_countsTheConnectionsToOnePortApart() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            ProcSample before = ProcSample.read(SELF, server.getLocalPort()).orElseThrow();
            List<Socket> clients = new ArrayList<>();
            List<Socket> accepted = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    clients.add(new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()));
                    accepted.add(server.accept());
                }
                ProcSample during = ProcSample.read(SELF, server.getLocalPort()).orElseThrow();

                assertThat(during.redisSockets()).isEqualTo(3);
                assertThat(during.fds()).isGreaterThanOrEqualTo(before.fds() + 6);
                assertThat(during.fdsWithoutRedis()).isEqualTo(during.fds() - 3);
            } finally {
                for (Socket socket : clients) {
                    socket.close();
                }
                for (Socket socket : accepted) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void read_ofAProcessThatIsGone_isEmpty() {
        assertThat(ProcSample.read(Long.MAX_VALUE, 1)).isEmpty();
    }
}
