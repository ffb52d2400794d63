package io.opsgi.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsgi.op.Kernel;
import io.opsgi.tensor.IndexTensor;
import io.opsgi.tensor.Npy;
import io.opsgi.tensor.Shape;
import io.opsgi.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed vector directories, written here one defect at a time into a small valid directory:
 * each must give a {@link VectorFormatException} that names the file at fault and the problem,
 * never a crash and never a silent pass.
 */
class HostileVectorDirectoryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;
    private Path relu;
    private Path casesJson;
    private Path inputFile;

    /** manifest.json listing relu; relu/cases.json with one valid case {@code relu_small}. */
    @BeforeEach
    void writeValidDirectory() throws IOException {
        relu = Files.createDirectory(root.resolve("relu"));
        casesJson = relu.resolve("cases.json");
        inputFile = relu.resolve("relu_small.input.npy");
        writeManifest(List.of("relu"));
        Npy.write(inputFile, Tensor.of(Shape.of(4), -1f, -0f, 0.5f, 2f));
        Npy.write(relu.resolve("relu_small.output.npy"), Tensor.of(Shape.of(4), 0f, -0f, 0.5f, 2f));
        writeCases("relu", List.of(reluCase("relu_small")));
    }

    @Test
    void theValidDirectoryLoadsAndReplays() throws VectorFormatException {
        ReferenceVectors v = ReferenceVectors.load(root);
        assertEquals(List.of("relu"), v.ops());
        VectorCase c = v.cases().get(0);
        assertEquals("relu_small", c.name());
        assertEquals(Map.of("input", inputFile.toAbsolutePath().normalize()), c.inputs());
    }

    @Test
    void missingManifest() throws IOException {
        Files.delete(root.resolve("manifest.json"));
        expectProblem(root.resolve("manifest.json"), "missing file");
    }

    @Test
    void missingDirectory() {
        expectProblemAt(root.resolve("nowhere"), root.resolve("nowhere"), "not a directory");
    }

    @Test
    void missingCasesJson() throws IOException {
        Files.delete(casesJson);
        expectProblem(casesJson, "missing file");
    }

    @Test
    void missingTensorFile() throws IOException {
        Files.delete(inputFile);
        expectProblem(inputFile, "missing file");
    }

    @Test
    void unknownOpInManifest() throws IOException {
        writeManifest(List.of("relu", "conv3d"));
        expectProblem(root.resolve("manifest.json"), "unknown op 'conv3d'");
    }

    @Test
    void casesJsonForAnotherOp() throws IOException {
        writeCases("relu6", List.of(reluCase("relu_small")));
        expectProblem(casesJson, "\"op\" is 'relu6' but the folder is relu");
    }

    @Test
    void opFolderMissingFromManifest() throws IOException {
        Path tanh = Files.createDirectory(root.resolve("tanh"));
        Files.writeString(tanh.resolve("cases.json"), "{\"op\": \"tanh\", \"cases\": []}");
        expectProblem(tanh.resolve("cases.json"), "not listed in manifest.json");
    }

    @Test
    void unsupportedFormatVersion() throws IOException {
        Files.writeString(root.resolve("manifest.json"), "{\"format_version\": 2, \"ops\": [\"relu\"]}");
        expectProblem(root.resolve("manifest.json"), "format_version must be 1, got 2");
    }

    @Test
    void wrongDtype() throws IOException {
        Npy.write(inputFile, IndexTensor.of(Shape.of(4), 1, 2, 3, 4));
        expectProblem(inputFile, "expected dtype '<f4' (float32), got '<i8'");
    }

    @Test
    void float64Data() throws IOException {
        Files.write(inputFile, npy("<f8", "(4,)", new byte[32]));
        expectProblem(inputFile, "got '<f8'");
    }

    @Test
    void floatIndices() throws IOException {
        // max_pool2d's indices are int64; a float file there is refused.
        Path pool = Files.createDirectory(root.resolve("max_pool2d"));
        writeManifest(List.of("relu", "max_pool2d"));
        Npy.write(pool.resolve("mp.input.npy"), Tensor.of(Shape.of(1, 1, 2, 2), 1, 2, 3, 4));
        Npy.write(pool.resolve("mp.output.npy"), Tensor.of(Shape.of(1, 1, 1, 1), 4));
        Npy.write(pool.resolve("mp.indices.npy"), Tensor.of(Shape.of(1, 1, 1, 1), 3));
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", "max_pool2d_mp");
        c.put("attrs", Map.of("kernel_size", List.of(2, 2)));
        c.put("inputs", Map.of("input", "mp.input.npy"));
        c.put("expected", Map.of("output", "mp.output.npy", "indices", "mp.indices.npy"));
        JSON.writeValue(pool.resolve("cases.json").toFile(), Map.of("op", "max_pool2d", "cases", List.of(c)));
        expectProblem(pool.resolve("mp.indices.npy"), "expected dtype '<i8' (int64), got '<f4'");
    }

    @Test
    void truncatedNpy() throws IOException {
        byte[] b = Files.readAllBytes(inputFile);
        Files.write(inputFile, java.util.Arrays.copyOf(b, b.length - 3));
        expectProblem(inputFile, "truncated");
    }

    @Test
    void truncatedInsideTheHeader() throws IOException {
        Files.write(inputFile, java.util.Arrays.copyOf(Files.readAllBytes(inputFile), 20));
        expectProblem(inputFile, "truncated");
    }

    @Test
    void notAnNpyFile() throws IOException {
        Files.writeString(inputFile, "{\"this\": \"is json\"}");
        expectProblem(inputFile, "not a .npy file");
    }

    @Test
    void dataLongerThanShape() throws IOException {
        Files.write(inputFile, npy("<f4", "(2, 3)", new byte[4 * 7]));
        expectProblem(inputFile, "data longer than shape [2, 3]");
    }

    @Test
    void dataShorterThanShape() throws IOException {
        Files.write(inputFile, npy("<f4", "(2, 3)", new byte[4 * 5]));
        expectProblem(inputFile, "truncated data: shape [2, 3]");
    }

    @Test
    void absurdDimension() throws IOException {
        Files.write(inputFile, npy("<f4", "(1000000000000,)", new byte[16]));
        expectProblem(inputFile, "absurd dimension 1000000000000");
    }

    @Test
    void absurdElementCount() throws IOException {
        Files.write(inputFile, npy("<f4", "(65536, 65536)", new byte[16]));
        expectProblem(inputFile, "elements");
    }

    @Test
    void hugeDeclaredShapeIsRefusedBeforeAllocating() throws IOException {
        // 2^28 floats would be a 1 GiB array; the file holds 16 bytes.
        Files.write(inputFile, npy("<f4", "(268435456,)", new byte[16]));
        expectProblem(inputFile, "truncated data");
    }

    @Test
    void negativeDimension() throws IOException {
        Files.write(inputFile, npy("<f4", "(-4,)", new byte[16]));
        expectProblem(inputFile, "absurd dimension -4");
    }

    @Test
    void fortranOrder() throws IOException {
        Files.write(inputFile, npyWithHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[16]));
        expectProblem(inputFile, "Fortran-order");
    }

    @Test
    void malformedJson() throws IOException {
        String text = Files.readString(casesJson);
        Files.writeString(casesJson, text.substring(0, text.length() / 2));
        expectProblem(casesJson, "malformed JSON");
    }

    @Test
    void malformedManifestJson() throws IOException {
        Files.writeString(root.resolve("manifest.json"), "{\"format_version\": 1, \"ops\": [\"relu\",]}");
        expectProblem(root.resolve("manifest.json"), "malformed JSON");
    }

    @Test
    void duplicateJsonKey() throws IOException {
        Files.writeString(casesJson, Files.readString(casesJson).replaceFirst("\"name\"", "\"name\": \"relu_other\", \"name\""));
        expectProblem(casesJson, "Duplicate field 'name'");
    }

    @Test
    void fieldOfTheWrongType() throws IOException {
        Map<String, Object> c = reluCase("relu_small");
        c.put("tags", "corner");
        writeCases("relu", List.of(c));
        expectProblem(casesJson, "malformed JSON");
    }

    @Test
    void misspelledField() throws IOException {
        Map<String, Object> c = reluCase("relu_small");
        c.put("tolerence", Map.of("rtol", 1, "atol", 1));
        writeCases("relu", List.of(c));
        expectProblem(casesJson, "\"tolerence\"");
    }

    @Test
    void pathEscapingTheDirectory() throws IOException {
        Files.copy(inputFile, root.getParent().resolve(root.getFileName() + "-outside.npy"));
        expectCaseProblem(c -> c.put("inputs", Map.of("input", "../../" + root.getFileName() + "-outside.npy")), "is outside its op folder");
    }

    @Test
    void pathEscapingTheOpFolderIntoTheRoot() throws IOException {
        Files.copy(inputFile, root.resolve("elsewhere.npy"));
        expectCaseProblem(c -> c.put("inputs", Map.of("input", "../elsewhere.npy")), "'../elsewhere.npy' is outside its op folder");
    }

    @Test
    void absolutePath() throws IOException {
        expectCaseProblem(c -> c.put("inputs", Map.of("input", inputFile.toAbsolutePath().toString())), "is outside its op folder");
    }

    @Test
    void symbolicLinkLeavingTheDirectory() throws IOException {
        Path outside = Files.createTempFile("outside", ".npy");
        try {
            Files.copy(inputFile, outside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.delete(inputFile);
            Files.createSymbolicLink(inputFile, outside);
            expectProblem(casesJson, "links outside the vector directory");
        } finally {
            Files.delete(outside);
        }
    }

    @Test
    void duplicateCaseNameInOneFile() throws IOException {
        writeCases("relu", List.of(reluCase("relu_small"), reluCase("relu_small")));
        expectProblem(casesJson, "duplicate case name 'relu_small'");
    }

    @Test
    void duplicateCaseNameAcrossOps() throws IOException {
        Path relu6 = Files.createDirectory(root.resolve("relu6"));
        Files.copy(inputFile, relu6.resolve("relu_small.input.npy"));
        Files.copy(relu.resolve("relu_small.output.npy"), relu6.resolve("relu_small.output.npy"));
        writeManifest(List.of("relu", "relu6"));
        JSON.writeValue(relu6.resolve("cases.json").toFile(), Map.of("op", "relu6", "cases", List.of(reluCase("relu_small"))));
        expectProblem(relu6.resolve("cases.json"), "duplicate case name 'relu_small' (also in " + casesJson.toAbsolutePath().normalize());
    }

    @Test
    void caseWithBothExpectedAndError() throws IOException {
        expectCaseProblem(c -> c.put("error", Map.of("rule", "input_rank", "torch_message", "no")), "exactly one of \"expected\" and \"error\"");
    }

    @Test
    void caseWithNeitherExpectedNorError() throws IOException {
        expectCaseProblem(c -> c.remove("expected"), "exactly one of \"expected\" and \"error\"");
    }

    @Test
    void unknownInputName() throws IOException {
        expectCaseProblem(c -> c.put("inputs", Map.of("inptu", "relu_small.input.npy")), "unknown input 'inptu' for relu");
    }

    @Test
    void badCaseName() throws IOException {
        expectCaseProblem(c -> c.put("name", "Relu Small"), "name must match [a-z0-9_]+, got 'Relu Small'");
    }

    @Test
    void negativeTolerance() throws IOException {
        expectCaseProblem(c -> c.put("tolerance", Map.of("rtol", -1.0, "atol", 0.0)), "tolerance needs finite non-negative rtol and atol");
    }

    @Test
    void aFileBrokenAfterLoadingFailsItsCaseInsteadOfCrashingTheRun() throws IOException {
        ReferenceVectors v = ReferenceVectors.load(root);
        Files.write(inputFile, java.util.Arrays.copyOf(Files.readAllBytes(inputFile), 30));
        CaseResult r = new Replay().run(v.cases().get(0), new Kernel() {
        }, "none");
        // Not an ElementwiseKernel: skipped before any file is read.
        assertEquals(CaseResult.Status.SKIPPED, r.status(), r::describe);
        List<DiscoveredKernel> kernels = ClasspathKernels.serving(ClasspathKernels.discover(getClass().getClassLoader()), "relu");
        CaseResult broken = new Replay().run(v.cases().get(0), kernels.get(0));
        assertEquals(CaseResult.Status.FAILED, broken.status(), broken::describe);
        assertTrue(broken.reason().startsWith("unreadable vector file: " + inputFile.toAbsolutePath().normalize()), broken::describe);
    }

    // --- helpers ---

    private void expectCaseProblem(Consumer<Map<String, Object>> edit, String problem) throws IOException {
        Map<String, Object> c = reluCase("relu_small");
        edit.accept(c);
        writeCases("relu", List.of(c));
        expectProblem(casesJson, problem);
    }

    private void expectProblem(Path file, String problem) {
        expectProblemAt(root, file, problem);
    }

    private static void expectProblemAt(Path dir, Path file, String problem) {
        VectorFormatException e = assertThrows(VectorFormatException.class, () -> ReferenceVectors.load(dir));
        Path named = file.toAbsolutePath().normalize();
        assertEquals(named, e.file().toAbsolutePath().normalize(), e.getMessage());
        assertTrue(e.getMessage().startsWith(named + ": "), "the message must start with the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(problem), "expected '" + problem + "' in: " + e.getMessage());
    }

    private static Map<String, Object> reluCase(String name) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("attrs", Map.of());
        c.put("inputs", Map.of("input", "relu_small.input.npy"));
        c.put("expected", Map.of("output", "relu_small.output.npy"));
        c.put("tags", List.of("special_values"));
        return c;
    }

    private void writeManifest(List<String> ops) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format_version", 1);
        m.put("generated_by", "HostileVectorDirectoryTest");
        m.put("ops", new ArrayList<>(ops));
        m.put("seed", 0);
        m.put("torch_version", "1.13.0a0");
        JSON.writeValue(root.resolve("manifest.json").toFile(), m);
    }

    private void writeCases(String op, List<Map<String, Object>> cases) throws IOException {
        JSON.writeValue(casesJson.toFile(), Map.of("op", op, "cases", cases));
    }

    /** A version 1.0 .npy with any header values, for files numpy itself would never write. */
    private static byte[] npy(String descr, String shape, byte[] body) {
        return npyWithHeader("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }", body);
    }

    private static byte[] npyWithHeader(String dict, byte[] body) {
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        byte[] header = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.writeBytes(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) header.length).array());
        out.writeBytes(header);
        out.writeBytes(body);
        return out.toByteArray();
    }
}
