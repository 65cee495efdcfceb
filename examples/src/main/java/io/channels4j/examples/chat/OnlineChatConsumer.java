package io.channels4j.examples.chat;

import io.channels4j.Json;
import io.channels4j.Message;
import io.channels4j.layer.ChannelNames;
import io.channels4j.layer.Presence;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The tutorial's {@link ChatConsumer} plus "who is online": each connection joins the room's
 * presence under the name given as {@code ?name=} (or {@code guest-NNNN}), and members that ask
 * for it with {@code ?online=1} (the room page does) get {@code {"online": [names...]}} whenever
 * someone joins or leaves. Clients that do not ask see exactly the tutorial's protocol. Works
 * across servers on the Redis layer (see {@code docs/topics/presence.md}).
 */
public class OnlineChatConsumer extends ChatConsumer {

    private static final int MAX_NAME_LENGTH = 40;

    private Presence presence;
    private String room;
    private String user;
    private boolean wantsOnline;

    /** Creates the consumer; one per connection. */
    public OnlineChatConsumer() {
    }

    @Override
    public void connect() {
        room = "chat_" + scope().urlRoute().kwarg("room_name");
        if (!ChannelNames.isValidGroupName(room)) {
            // The route's \w+ takes Unicode letters and any length, as Django's does; a group name
            // takes ASCII and fewer than 100 characters. Refuse the handshake (403) instead of
            // failing in groupAdd.
            close();
            return;
        }
        user = userName(scope().queryString());
        wantsOnline = ("&" + scope().queryString() + "&").contains("&online=1&");
        presence = new Presence(channelLayer());
        super.connect();
        presence.join(room, channelName(), user);
    }

    @Override
    public void disconnect(int code) {
        if (presence == null) {
            return; // refused in connect: nothing was joined
        }
        presence.leave(room, channelName(), user);
        super.disconnect(code);
    }

    /**
     * Someone entered the room: send the new list of who is online.
     *
     * @param event the {@code presence.join} event
     */
    public void presenceJoin(Message event) {
        if (wantsOnline) {
            send(Json.stringify(Map.of("online", presence.whoIsIn(room))));
        }
    }

    /**
     * Someone left the room: send the new list of who is online.
     *
     * @param event the {@code presence.leave} event
     */
    public void presenceLeave(Message event) {
        presenceJoin(event);
    }

    /** The {@code name} query parameter, trimmed to printable text, or a guest name. */
    static String userName(String queryString) {
        for (String pair : queryString.split("&")) {
            if (pair.startsWith("name=")) {
                String name = URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8).strip()
                        .replaceAll("\\p{Cntrl}", "");
                if (!name.isEmpty()) {
                    return name.length() > MAX_NAME_LENGTH ? name.substring(0, MAX_NAME_LENGTH) : name;
                }
            }
        }
        return "guest-" + (1000 + ThreadLocalRandom.current().nextInt(9000));
    }
}
