package io.channels4j;

import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class ModuleExportsTest {

    private static ModuleDescriptor descriptor() {
        ModuleReference ref = ModuleFinder.of(Path.of("target/classes")).find("io.channels4j.core")
                .orElseThrow(() -> new AssertionError("module io.channels4j.core not found in "
                        + Path.of("target/classes").toAbsolutePath()));
        return ref.descriptor();
    }

    @Test
    void exportsExactlyTheApiPackages() {
        Set<String> exported = descriptor().exports().stream()
                .map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());

        assertThat(exported).containsExactlyInAnyOrder(
                "io.channels4j",
                "io.channels4j.consumer",
                "io.channels4j.routing",
                "io.channels4j.layer",
                "io.channels4j.middleware",
                "io.channels4j.testing",
                "io.channels4j.worker");
    }

    @Test
    void exportsAreUnqualified() {
        assertThat(descriptor().exports()).allSatisfy(e -> assertThat(e.isQualified()).as(e.source()).isFalse());
    }

    @Test
    void internalPackageIsNotExportedNorOpened() {
        ModuleDescriptor d = descriptor();

        assertThat(d.exports()).extracting(ModuleDescriptor.Exports::source).doesNotContain("io.channels4j.internal");
        assertThat(d.opens()).extracting(ModuleDescriptor.Opens::source).doesNotContain("io.channels4j.internal");
        assertThat(d.isOpen()).isFalse();
    }
}
