package io.opsgi.properties;

import io.opsgi.op.Kernel;

/**
 * A configuration violating exactly one validation rule: the call to make and the rule id
 * ({@code docs/RULES.md}) the contract must raise. Prints as the valid case it was derived from
 * and the one change that breaks it.
 */
public record Invalid<K extends Kernel>(String op, String rule, String text, Call<K> call) {
    @FunctionalInterface
    public interface Call<K> {
        void run(K kernel);
    }

    @Override
    public String toString() {
        return text + " => " + rule;
    }
}
