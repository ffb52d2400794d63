package io.opsgi.properties;

import org.junit.jupiter.api.Test;

class ScratchTest {
    @Test
    void show() {
        ConvCases.conv2d().sampleStream().limit(12).forEach(System.out::println);
        ConvCases.conv2dInvalid().sampleStream().limit(8).forEach(System.out::println);
        ConvCases.convTranspose2d().sampleStream().limit(6).forEach(System.out::println);
        PoolCases.maxPool2d().sampleStream().limit(6).forEach(System.out::println);
        PoolCases.avgPool2d().sampleStream().limit(6).forEach(System.out::println);
        PoolCases.lpPool2d().sampleStream().limit(4).forEach(System.out::println);
        PoolCases.adaptive("adaptive_max_pool2d", "global_max_pool2d").sampleStream().limit(4).forEach(System.out::println);
        OtherCases.pad().sampleStream().limit(6).forEach(System.out::println);
        OtherCases.batchNorm().sampleStream().limit(4).forEach(System.out::println);
        OtherCases.activation().sampleStream().limit(4).forEach(System.out::println);
        OtherCases.softmax().sampleStream().limit(3).forEach(System.out::println);
        OtherCases.prelu().sampleStream().limit(3).forEach(System.out::println);
        OtherCases.padInvalid().sampleStream().limit(4).forEach(System.out::println);
        PoolCases.maxPool2dInvalid().sampleStream().limit(4).forEach(System.out::println);
        Kernels.all().forEach(System.out::println);
    }
}
