package io.opsgi.properties.check;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The runner finds the property classes of io.opsgi.properties' main code, and only those. */
class SuiteRunnerDiscoveryTest {

    @Test
    void findsEveryPropertyClassOfTheMainCode() {
        Set<String> found = SuiteRunner.propertyClasses().stream().map(Class::getSimpleName).collect(Collectors.toSet());
        assertTrue(found.containsAll(Set.of("Conv2dProperties", "ConvTranspose2dProperties", "ActivationProperties", "AdaptiveAvgPool2dProperties")), "" + found);
        assertFalse(found.contains("FixtureProperties"), "test code is not part of the suite: " + found);
        assertFalse(found.contains("AdaptiveLaws"), "abstract: " + found);
    }
}
