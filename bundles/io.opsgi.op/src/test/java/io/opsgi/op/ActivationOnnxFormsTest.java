package io.opsgi.op;

import static io.opsgi.op.ContractAssertions.attrs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** hardsigmoid's and selu's ONNX attribute forms: chosen by the attributes given, ONNX's defaults for the absent ones; softsign. */
class ActivationOnnxFormsTest {

    @Test
    void without_onnx_attributes_the_pytorch_form_stays() {
        assertFalse(Activations.attrs(Activation.HARDSIGMOID, Map.of()).onnxForm());
        assertFalse(Activations.attrs(Activation.SELU, Map.of()).onnxForm());
        assertFalse(Activations.attrs(Activation.HARDSIGMOID, attrs("inplace", true)).onnxForm());
        assertFalse(Activations.attrs(Activation.ELU, attrs("alpha", 0.5)).onnxForm(), "elu's alpha is PyTorch's own");
    }

    @Test
    void hardsigmoid_alpha_or_beta_selects_onnx_hardsigmoid_with_its_defaults() {
        ActivationAttrs a = Activations.attrs(Activation.HARDSIGMOID, attrs("alpha", 0.25));
        assertTrue(a.onnxForm());
        assertEquals(0.25f, a.alpha());
        assertEquals(0.5f, a.beta(), "ONNX's default beta");
        ActivationAttrs b = Activations.attrs(Activation.HARDSIGMOID, attrs("beta", 0.6));
        assertEquals(0.2f, b.alpha(), "ONNX's default alpha 0.2, not PyTorch's 1/6");
        assertEquals(0.6f, b.beta());
    }

    @Test
    void selu_alpha_or_gamma_selects_onnx_selu_with_its_defaults() {
        ActivationAttrs a = Activations.attrs(Activation.SELU, attrs("gamma", 1.5));
        assertTrue(a.onnxForm());
        assertEquals(1.5f, a.gamma());
        assertEquals(1.6732632f, a.alpha(), "ONNX's default: PyTorch's alpha as float");
        ActivationAttrs b = Activations.attrs(Activation.SELU, attrs("alpha", 2.0));
        assertEquals(2f, b.alpha());
        assertEquals(1.050701f, b.gamma());
    }

    @Test
    void the_differences_are_written_once_in_the_schemas() {
        assertTrue(Operators.schema("hardsigmoid").onnxNotes().stream().anyMatch(n -> n.contains("alpha 0.2") && n.contains("1/6")));
        assertTrue(Operators.schema("selu").onnxNotes().stream().anyMatch(n -> n.contains("gamma")));
        assertTrue(Operators.schema("softsign").onnxNotes().size() == 1);
        assertTrue(Operators.schema("relu").onnxNotes().isEmpty(), "no note where there is no difference");
        assertEquals(ToleranceClass.BIT_EXACT, Operators.schema("softsign").toleranceClass(null, null));
    }

    @Test
    void the_io_opsgi_op_1_2_constructor_keeps_pytorchs_form() {
        ActivationAttrs a = new ActivationAttrs(Activation.SELU, 0.01f, 1f, -1f, 1f, 1f, 20f, false);
        assertFalse(a.onnxForm());
        assertEquals(ActivationAttrs.ONNX_SELU_GAMMA, a.gamma());
    }
}
