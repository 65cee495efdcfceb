package io.channels4j.examples.chat;

import io.channels4j.Application;
import io.channels4j.Events;
import io.channels4j.Headers;
import io.channels4j.Json;
import io.channels4j.consumer.Consumer;
import io.channels4j.consumer.WebsocketConsumer;
import io.channels4j.layer.ChannelLayers;
import io.channels4j.layer.InMemoryChannelLayer;
import io.channels4j.redis.RedisChannelLayer;
import io.channels4j.routing.ProtocolTypeRouter;
import io.channels4j.routing.URLRouter;
import io.channels4j.routing.UnsupportedProtocolException;
import io.channels4j.server.ChannelsServer;
import io.channels4j.testing.HttpCommunicator;
import io.channels4j.testing.WebsocketCommunicator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static io.channels4j.routing.Route.rePath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Keeps the code in {@code docs/} from rotting.
 *
 * <p>A Markdown page marks a code block as a copy of source code with an HTML comment on the line
 * before it: {@code <!-- snippet: examples/src/main/java/.../ChatConsumer.java#chat-consumer -->}.
 * The path is relative to the repository root; the region is the lines between
 * {@code // [snippet chat-consumer]} and {@code // [end chat-consumer]} in that file (marker lines
 * of any region excluded), or the whole file for {@code #whole}. The block must equal the region
 * after both lose their common indentation and trailing whitespace. Every {@code java} block of
 * the tutorials must carry a marker.
 *
 * <p>Code the docs show that is not part of the example app (the tutorial's first, echoing
 * consumer, the part-1 application, the test of part 2) lives in this class, so it is compiled
 * and run here.
 */
class DocSnippetsTest {

    private static final Pattern DOC_MARKER = Pattern.compile("^\\s*<!--\\s*snippet:\\s*([^#\\s]+)#([\\w.-]+)\\s*-->\\s*$");
    private static final Pattern FENCE = Pattern.compile("^\\s*(`{3,}|~{3,})\\s*([\\w+-]*).*$");
    private static final Pattern REGION_START = Pattern.compile("^\\s*(?://|<!--)\\s*\\[snippet ([\\w.-]+)\\]\\s*(?:-->)?\\s*$");
    private static final Pattern REGION_END = Pattern.compile("^\\s*(?://|<!--)\\s*\\[end ([\\w.-]+)\\]\\s*(?:-->)?\\s*$");
    private static final String WHOLE_FILE = "whole";
    /** Pages whose every {@code java} block must be a checked snippet. */
    private static final List<String> TUTORIAL_PAGES = List.of(
            "tutorial/part-1.md", "tutorial/part-2.md", "ru/tutorial/part-1.md", "ru/tutorial/part-2.md");

    /** A fenced block of a page. */
    private record Block(Path page, int line, String language, String marker, String text) {
        String where(Path root) {
            return root.relativize(page) + ":" + line;
        }
    }

    // ------------------------------------------------------------------ the checks

    @Test
    void everySnippetMarker_matchesItsSourceRegion() {
        Path docs = docsDirectory();
        Path root = docs.getParent();
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Path page : markdownPages(docs)) {
            for (Block block : blocks(page, failures, root)) {
                if (block.marker() == null) {
                    continue;
                }
                checked++;
                check(block, root, failures);
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " doc snippet(s) out of date or broken:\n\n" + String.join("\n\n", failures));
        }
        assertThat(checked).as("snippet markers found under %s", docs).isGreaterThanOrEqualTo(10);
    }

    @Test
    void everyJavaBlockOfTheTutorials_isACheckedSnippet() {
        Path docs = docsDirectory();
        Path root = docs.getParent();
        List<String> failures = new ArrayList<>();
        for (String name : TUTORIAL_PAGES) {
            Path page = docs.resolve(name);
            assertThat(page).as("tutorial page").exists();
            for (Block block : blocks(page, failures, root)) {
                if (block.language().equals("java") && block.marker() == null) {
                    failures.add(block.where(root) + ": a java block without a <!-- snippet: path#region --> marker;"
                            + " tutorial code must be copied from compiled sources");
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void regionsAreFoundAndNormalized() {
        List<String> source = List.of(
                "class A {",
                "    // [snippet outer]",
                "    void m() {",
                "        // [snippet inner]",
                "        call();   ",
                "        // [end inner]",
                "    }",
                "    // [end outer]",
                "}");
        assertThat(region(source, "outer", "A.java")).isEqualTo("void m() {\n    call();\n}");
        assertThat(region(source, "inner", "A.java")).isEqualTo("call();");
        assertThatThrownBy(() -> region(source, "missing", "A.java"))
                .hasMessageContaining("no region 'missing' in A.java")
                .hasMessageContaining("// [snippet missing]");
        assertThatThrownBy(() -> region(List.of("// [snippet x]", "a"), "x", "B.java"))
                .hasMessageContaining("never closed");
    }

    private static void check(Block block, Path root, List<String> failures) {
        String[] target = block.marker().split("#", 2);
        Path source = root.resolve(target[0]).normalize();
        String where = block.where(root);
        if (!source.startsWith(root)) {
            failures.add(where + ": snippet path " + target[0] + " leaves the repository");
            return;
        }
        if (!Files.isRegularFile(source)) {
            failures.add(where + ": snippet source " + target[0] + " does not exist (path relative to the repository root)");
            return;
        }
        String expected;
        try {
            List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
            expected = target[1].equals(WHOLE_FILE) ? normalize(lines) : region(lines, target[1], target[0]);
        } catch (IllegalArgumentException e) {
            failures.add(where + ": " + e.getMessage());
            return;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String actual = normalize(block.text().lines().toList());
        if (!actual.equals(expected)) {
            failures.add(where + ": the block differs from " + block.marker() + "; copy the region into the page.\n"
                    + firstDifference(actual, expected));
        }
    }

    // ------------------------------------------------------------------ parsing

    private static Path docsDirectory() {
        Path here = Path.of("").toAbsolutePath();
        for (Path candidate : List.of(here.resolveSibling("docs"), here.resolve("docs"))) {
            if (Files.isDirectory(candidate) && Files.isRegularFile(candidate.resolve("index.md"))) {
                return candidate.normalize();
            }
        }
        return fail("cannot find docs/ (with index.md) next to or under " + here);
    }

    private static List<Path> markdownPages(Path docs) {
        try (Stream<Path> files = Files.walk(docs)) {
            return files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fenced blocks of a page, each with the snippet marker just before it (or null). */
    private static List<Block> blocks(Path page, List<String> failures, Path root) {
        List<String> lines;
        try {
            lines = Files.readAllLines(page, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Block> blocks = new ArrayList<>();
        String pendingMarker = null;
        int markerLine = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher marker = DOC_MARKER.matcher(line);
            if (marker.matches()) {
                if (pendingMarker != null) {
                    failures.add(root.relativize(page) + ":" + markerLine + ": snippet marker not followed by a code block");
                }
                pendingMarker = marker.group(1) + "#" + marker.group(2);
                markerLine = i + 1;
                continue;
            }
            Matcher fence = FENCE.matcher(line);
            if (fence.matches()) {
                String delimiter = fence.group(1);
                int end = i + 1;
                while (end < lines.size() && !lines.get(end).strip().equals(delimiter)) {
                    end++;
                }
                if (end == lines.size()) {
                    failures.add(root.relativize(page) + ":" + (i + 1) + ": code block never closed");
                    return blocks;
                }
                blocks.add(new Block(page, i + 1, fence.group(2), pendingMarker,
                        String.join("\n", lines.subList(i + 1, end))));
                pendingMarker = null;
                i = end;
                continue;
            }
            if (pendingMarker != null && !line.isBlank()) {
                failures.add(root.relativize(page) + ":" + markerLine + ": snippet marker not followed by a code block");
                pendingMarker = null;
            }
        }
        if (pendingMarker != null) {
            failures.add(root.relativize(page) + ":" + markerLine + ": snippet marker not followed by a code block");
        }
        return blocks;
    }

    /**
     * The lines between {@code // [snippet name]} and {@code // [end name]}, marker lines of
     * nested regions left out, normalized.
     */
    private static String region(List<String> source, String name, String file) {
        Map<String, Integer> starts = new LinkedHashMap<>();
        List<String> body = null;
        for (int i = 0; i < source.size(); i++) {
            String line = source.get(i);
            Matcher start = REGION_START.matcher(line);
            Matcher end = REGION_END.matcher(line);
            if (start.matches()) {
                if (starts.put(start.group(1), i + 1) != null && start.group(1).equals(name)) {
                    throw new IllegalArgumentException("region '" + name + "' starts twice in " + file);
                }
                if (start.group(1).equals(name)) {
                    body = new ArrayList<>();
                }
            } else if (end.matches()) {
                if (end.group(1).equals(name) && body != null) {
                    return normalize(body);
                }
            } else if (body != null) {
                body.add(line);
            }
        }
        if (body != null) {
            throw new IllegalArgumentException("region '" + name + "' in " + file + " (line " + starts.get(name)
                    + ") is never closed: add // [end " + name + "]");
        }
        throw new IllegalArgumentException("no region '" + name + "' in " + file + ": mark it with // [snippet "
                + name + "] and // [end " + name + "] (or use #" + WHOLE_FILE + ")");
    }

    /** Trailing whitespace and surrounding blank lines removed, common indentation stripped. */
    private static String normalize(List<String> lines) {
        List<String> stripped = new ArrayList<>(lines.stream().map(String::stripTrailing).toList());
        while (!stripped.isEmpty() && stripped.get(0).isEmpty()) {
            stripped.remove(0);
        }
        while (!stripped.isEmpty() && stripped.get(stripped.size() - 1).isEmpty()) {
            stripped.remove(stripped.size() - 1);
        }
        int indent = stripped.stream().filter(l -> !l.isEmpty())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return String.join("\n", stripped.stream().map(l -> l.isEmpty() ? l : l.substring(indent)).toList());
    }

    private static String firstDifference(String actual, String expected) {
        List<String> a = actual.lines().toList();
        List<String> e = expected.lines().toList();
        for (int i = 0; i < Math.max(a.size(), e.size()); i++) {
            String docLine = i < a.size() ? a.get(i) : "<end of block>";
            String sourceLine = i < e.size() ? e.get(i) : "<end of region>";
            if (!docLine.equals(sourceLine)) {
                return "  first difference at line " + (i + 1) + " of the block:\n    docs:   " + docLine
                        + "\n    source: " + sourceLine;
            }
        }
        return "  (they differ only in line endings)";
    }

    // ------------------------------------------------------------------ code shown in the docs

    // Tutorial part 2, "Write your first consumer": the echoing ChatConsumer. Nested here so it is
    // compiled and run; in the tutorial it is the whole of ChatConsumer.java.
    // [snippet echo-consumer]
    public class ChatConsumer extends WebsocketConsumer {
        @Override
        public void connect() {
            accept();
        }

        @Override
        public void disconnect(int code) {
        }

        @Override
        public void receive(String textData) {
            String message = Json.parse(textData).get("message").asText();

            send(Json.stringify(Map.of("message", message)));
        }
    }
    // [end echo-consumer]

    private Application echoApplication() {
        return new URLRouter(List.of(
                rePath("ws/chat/(?P<room_name>\\w+)/$", Consumer.asApplication(ChatConsumer::new, new ChannelLayers()))));
    }

    @Test
    void echoConsumer_sendsTheMessageBackToItsOwnSocketOnly() {
        Application application = echoApplication();
        try (var tab1 = new WebsocketCommunicator(application, "/ws/chat/lobby/");
             var tab2 = new WebsocketCommunicator(application, "/ws/chat/lobby/")) {
            assertThat(tab1.connect().accepted()).isTrue();
            assertThat(tab2.connect().accepted()).isTrue();
            tab1.sendJsonTo(Map.of("message", "hello"));
            assertThat(tab1.receiveJsonFrom().get("message").asText()).isEqualTo("hello");
            assertThat(tab2.receiveNothing()).isTrue();
        }
    }

    @Test
    void echoConsumer_withoutAMessageKey_endsWith1011() {
        try (var tab = new WebsocketCommunicator(echoApplication(), "/ws/chat/lobby/")) {
            assertThat(tab.connect().accepted()).isTrue();
            tab.sendJsonTo(Map.of("text", "hi"));
            assertThat(tab.receiveClose().getInt("code", 0)).isEqualTo(1011);
            assertThatThrownBy(() -> tab.await(Duration.ofSeconds(2))).cause().isInstanceOf(NullPointerException.class);
        }
    }

    @Test
    void part1Application_servesThePages_butHasNoWebsocketRoute() {
        // [snippet part1-application]
        Application application = ProtocolTypeRouter.of(Map.of(
                "http", new URLRouter(ChatRouting.httpUrlPatterns())));
        // [end part1-application]
        assertThat(new HttpCommunicator(application, "GET", "/chat/").getResponse().status()).isEqualTo(200);
        assertThat(new HttpCommunicator(application, "GET", "/chat/lobby/").getResponse().status()).isEqualTo(200);
        try (var socket = new WebsocketCommunicator(application, "/ws/chat/lobby/")) {
            socket.sendInput(Events.websocketConnect());
            // the server answers this failure with HTTP 500, as Daphne does in the Django tutorial
            assertThatThrownBy(() -> socket.await(Duration.ofSeconds(2)))
                    .cause().isInstanceOf(UnsupportedProtocolException.class);
        }
    }

    @Test
    void channelLayersConfig_isChannelsChannelLayersSetting() {
        // [snippet channel-layers-config]
        ChannelLayers layers = ChannelLayers.fromConfig(Map.of(
                "default", Map.of("url", "redis://127.0.0.1:6379")));
        // [end channel-layers-config]
        try {
            assertThat(layers.require("default")).isInstanceOf(RedisChannelLayer.class); // no connection yet
        } finally {
            layers.closeAll();
        }
    }

    /** Compiled, never run (a unit test opens no port): the deployment guide's server set-up. */
    @SuppressWarnings("unused")
    private static ChannelsServer deploymentServer(Application application) {
        // [snippet deployment-server]
        ChannelsServer server = ChannelsServer.builder()
                .application(application)
                .bind("127.0.0.1")                          // nginx on the same machine
                .port(8001)
                .proxyHeaders(true)                         // client address and scheme from nginx
                .trustedProxies(List.of("127.0.0.1", "::1"))
                .applicationCloseTimeout(Duration.ofSeconds(10))
                .start();
        // [end deployment-server]
        return server;
    }

    // [snippet chat-test]
    @Test
    void twoTabsInOneRoom_seeEachOthersMessages() {
        ChannelLayers layers = new ChannelLayers().set("default", new InMemoryChannelLayer());
        Application application = ChatRouting.application(layers);
        Headers page = Headers.of("origin", "http://127.0.0.1:8000"); // as a browser on the chat's page

        try (var tab1 = new WebsocketCommunicator(application, "/ws/chat/lobby/", page, List.of());
             var tab2 = new WebsocketCommunicator(application, "/ws/chat/lobby/", page, List.of())) {
            assertThat(tab1.connect().accepted()).isTrue();
            assertThat(tab2.connect().accepted()).isTrue();

            tab2.sendJsonTo(Map.of("message", "hello"));

            assertThat(tab1.receiveJsonFrom().get("message").asText()).isEqualTo("hello");
            assertThat(tab2.receiveJsonFrom().get("message").asText()).isEqualTo("hello");
        } finally {
            layers.closeAll();
        }
    }
    // [end chat-test]
}
