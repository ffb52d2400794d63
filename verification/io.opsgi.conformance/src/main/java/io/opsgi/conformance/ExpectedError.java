package io.opsgi.conformance;

/**
 * PyTorch's refusal of an error case: the rule id of {@code docs/RULES.md} that kernels are judged
 * on, and PyTorch's own message, kept for the human reader only.
 */
public record ExpectedError(String rule, String torchMessage) {
}
