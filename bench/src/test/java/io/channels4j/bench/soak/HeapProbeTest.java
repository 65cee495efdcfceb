package io.channels4j.bench.soak;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HeapProbeTest {

    @Test
    void g1_oneHeapLine() {
        String info = """
                12345:
                 garbage-first heap   total reserved 6291456K, committed 262144K, used 7104K [0x0000000680000000, 0x0000000800000000)
                  region size 4096K, 1 young (4096K), 0 survivors (0K)
                 Metaspace       used 20480K, committed 20736K, reserved 1114112K
                  class space    used 2048K, committed 2176K, reserved 1048576K
                """;
        assertThat(HeapProbe.parseUsedKb(info)).hasValue(7104);
    }

    @Test
    void serialAndParallel_generationsAreAdded_metaspaceIsNot() {
        String serial = """
                 def new generation   total 4928K, used 1000K [0x00000000fe200000, 0x00000000fe750000, 0x00000000ff000000)
                  eden space 4416K,  22% used [0x00000000fe200000, 0x00000000fe2ff0c0, 0x00000000fe650000)
                 tenured generation   total 10944K, used 3000K [0x00000000ff000000, 0x00000000ffab0000, 0x0000000100000000)
                 Metaspace       used 900K, committed 1024K, reserved 1056768K
                """;
        assertThat(HeapProbe.parseUsedKb(serial)).hasValue(4000);
    }

    @Test
    void zgc_inMegabytes() {
        assertThat(HeapProbe.parseUsedKb(" ZHeap           used 12M, capacity 40M, max capacity 6144M\n")).hasValue(12 * 1024);
    }

    @Test
    void noHeapLine_isEmpty() {
        assertThat(HeapProbe.parseUsedKb("12345:\nCould not find any heap\n")).isEmpty();
    }
}
