package io.baran.worker.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Route53DnsTest {

    @Test
    void aChangeStillPropagatingIsPolledLessAndLessOftenDownToOnceEveryFiveSeconds() {
        List<Long> pauses = new ArrayList<>();
        Duration pause = Duration.ofMillis(250);
        for (int i = 0; i < 7; i++) {
            pauses.add(pause.toMillis());
            pause = Route53Dns.nextPoll(pause);
        }
        assertEquals(List.of(250L, 500L, 1_000L, 2_000L, 4_000L, 5_000L, 5_000L), pauses);
    }
}
