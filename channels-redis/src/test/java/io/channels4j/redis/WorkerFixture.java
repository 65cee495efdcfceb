package io.channels4j.redis;

import io.channels4j.Application;
import io.channels4j.Message;
import io.channels4j.consumer.Consumer;
import io.channels4j.consumer.JsonWebsocketConsumer;
import io.channels4j.routing.ChannelNameRouter;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Both sides of {@link WorkerIT}: the background consumer a {@code runworker} process runs, and the
 * web consumer that hands it jobs through the Redis layer.
 */
public final class WorkerFixture {

    /** The named channel the worker listens on. */
    public static final String CHANNEL = "thumbnails-generate";

    /** What {@code runworker --application io.channels4j.redis.WorkerFixture:application} loads. */
    public static final Application application = ChannelNameRouter.of(Map.of(
            CHANNEL, Consumer.asApplication(ThumbnailConsumer::new)));

    private WorkerFixture() {
    }

    /** The background consumer: "generates" a thumbnail and replies to the job's reply channel. */
    public static class ThumbnailConsumer extends Consumer {
        private long generated;

        /**
         * Handles {@code thumbnails.generate}.
         *
         * @param event {@code image} and {@code reply_channel}
         */
        public void thumbnailsGenerate(Message event) {
            String image = event.getString("image");
            if (image.startsWith("crash")) {
                throw new IllegalStateException("cannot read " + image + " (on purpose)");
            }
            generated++;
            channelLayer().send(event.getString("reply_channel"), Message.of(
                    "type", "thumbnails.done",
                    "thumbnail", image.replace(".png", "-thumb.png"),
                    "pid", ProcessHandle.current().pid(),
                    "generated", generated,
                    "thread", Thread.currentThread().getName()));
        }
    }

    /** The web consumer: each JSON request becomes a job; each result goes back to the client. */
    public static class UploadConsumer extends JsonWebsocketConsumer {
        @Override
        public void receiveJson(JsonNode content) {
            channelLayer().send(CHANNEL, Message.of(
                    "type", "thumbnails.generate",
                    "image", content.get("image").asText(),
                    "reply_channel", channelName()));
        }

        /**
         * Forwards a worker's result.
         *
         * @param event the result
         */
        public void thumbnailsDone(Message event) {
            sendJson(Map.of(
                    "thumbnail", event.getString("thumbnail"),
                    "pid", event.getLong("pid"),
                    "generated", event.getLong("generated"),
                    "thread", event.getString("thread")));
        }
    }
}
