package io.channels4j.bench.soak;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link WebSocket} that records what is sent and completes every send at once. */
final class FakeWebSocket implements WebSocket {

    final List<String> sentText = new CopyOnWriteArrayList<>();
    volatile int closeCode = -1;
    volatile boolean aborted;

    @Override
    public CompletableFuture<WebSocket> sendText(CharSequence data, boolean last) {
        sentText.add(data.toString());
        return CompletableFuture.completedFuture(this);
    }

    @Override
    public CompletableFuture<WebSocket> sendBinary(ByteBuffer data, boolean last) {
        return CompletableFuture.completedFuture(this);
    }

    @Override
    public CompletableFuture<WebSocket> sendPing(ByteBuffer message) {
        return CompletableFuture.completedFuture(this);
    }

    @Override
    public CompletableFuture<WebSocket> sendPong(ByteBuffer message) {
        return CompletableFuture.completedFuture(this);
    }

    @Override
    public CompletableFuture<WebSocket> sendClose(int statusCode, String reason) {
        closeCode = statusCode;
        return CompletableFuture.completedFuture(this);
    }

    @Override
    public void request(long n) {
    }

    @Override
    public String getSubprotocol() {
        return "";
    }

    @Override
    public boolean isOutputClosed() {
        return closeCode >= 0;
    }

    @Override
    public boolean isInputClosed() {
        return false;
    }

    @Override
    public void abort() {
        aborted = true;
    }
}
