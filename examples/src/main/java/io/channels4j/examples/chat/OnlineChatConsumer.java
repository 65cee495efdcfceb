package io.channels4j.examples.chat;

import io.channels4j.Json;
import io.channels4j.Message;
import io.channels4j.layer.ChannelLayerException;
import io.channels4j.layer.ChannelNames;
import io.channels4j.layer.Presence;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tutorial's {@link ChatConsumer} plus "who is online": a connection that asks for the list
 * with {@code ?online=1} (the room page does) or gives a name with {@code ?name=} joins the room's
 * presence under that name (or {@code guest-NNNN}), and members that asked get
 * {@code {"online": [names...]}} whenever someone listed joins or leaves. Clients that give
 * neither see, and cost, exactly the tutorial's protocol: they are in the room but not listed.
 * Works across servers on the Redis layer (see {@code docs/topics/presence.md}).
 */
public class OnlineChatConsumer extends ChatConsumer {

    private static final int MAX_NAME_LENGTH = 40;
    private static final Logger log = LoggerFactory.getLogger(OnlineChatConsumer.class);

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
        if (!wantsOnline && !("&" + scope().queryString()).contains("&name=")) {
            // A plain tutorial client (no ?online=1, no ?name=): the tutorial's protocol and its
            // cost. Listing it would send every member of the room an event on each of its joins
            // and leaves, O(members) per connect: quadratic to fill a room.
            super.connect();
            return;
        }
        Presence joining = new Presence(channelLayer());
        super.connect(); // refuses the handshake (DenyConnection) when the layer is unreachable
        presence = joining;
        try {
            presence.join(room, channelName(), user);
        } catch (ChannelLayerException e) {
            // the layer failed right after the room accepted us: chat works, the list catches up later
            log.warn("chat: {} joined {} but could not be listed as online: {}", user, room, e.getMessage());
        }
    }

    @Override
    public void disconnect(int code) {
        if (presence != null) { // null: not listed, or refused in connect
            try {
                presence.leave(room, channelName(), user);
            } catch (ChannelLayerException e) {
                log.warn("chat: could not tell {} that {} left: {}", room, user, e.getMessage());
            }
        }
        super.disconnect(code); // leaves the room if it was joined
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
