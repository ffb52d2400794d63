package io.opsgi.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.opsgi.runtime.KernelEvents;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

class ShellAnnouncementsTest {
    private static Event event(String topic, String variant, String report) {
        Map<String, Object> props = new HashMap<>();
        props.put(KernelEvents.OP, new String[] {"conv2d"});
        props.put(KernelEvents.VARIANT, variant);
        props.put(KernelEvents.BUNDLE, "b 1.0.0");
        if (report != null) {
            props.put(KernelEvents.REPORT, report);
        }
        return new Event(topic, props);
    }

    @Test
    void quarantinesArePrintedWithTheFirstLineOfTheReport() {
        assertEquals("opsgi: quarantined conv2d/racy (b 1.0.0): failed: a sampled live call differed; see opsgi:report conv2d racy",
                ShellAnnouncements.announcement(event(KernelEvents.QUARANTINED, "racy", "failed: a sampled live call differed\n  - case: x"),
                        new HashMap<>()));
    }

    @Test
    void theFirstKernelOfAnOpIsNotNewsEveryLaterChangeIs() {
        Map<String, String> serving = new HashMap<>();
        assertNull(ShellAnnouncements.announcement(event(KernelEvents.ACTIVATED, "direct", null), serving));
        assertEquals("opsgi: conv2d is now served by gemm (was direct)",
                ShellAnnouncements.announcement(event(KernelEvents.ACTIVATED, "gemm", null), serving));
        assertNull(ShellAnnouncements.announcement(event(KernelEvents.VERIFIED, "gemm", "passed"), serving));
    }
}
