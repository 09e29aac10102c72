package dev.anomalyops.scoring.onnx.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.anomalyops.core.ModelException;
import dev.anomalyops.core.model.Scaler;
import dev.anomalyops.core.trees.BinaryTree;
import dev.anomalyops.core.trees.Objective;
import dev.anomalyops.core.trees.TreeEnsemble;
import dev.anomalyops.scoring.onnx.internal.proto.Onnx.AttributeProto;
import dev.anomalyops.scoring.onnx.internal.proto.Onnx.GraphProto;
import dev.anomalyops.scoring.onnx.internal.proto.Onnx.ModelProto;
import dev.anomalyops.scoring.onnx.internal.proto.Onnx.NodeProto;
import dev.anomalyops.scoring.onnx.internal.proto.Onnx.OperatorSetIdProto;
import dev.anomalyops.scoring.onnx.internal.proto.Onnx.StringStringEntryProto;
import dev.anomalyops.scoring.onnx.internal.proto.Onnx.TensorProto;
import dev.anomalyops.scoring.onnx.internal.proto.Onnx.TensorShapeProto;
import dev.anomalyops.scoring.onnx.internal.proto.Onnx.TypeProto;
import dev.anomalyops.scoring.onnx.internal.proto.Onnx.ValueInfoProto;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Builds the ONNX graph of a tree ensemble (see {@code OnnxExporter} for the contract). Kept apart from the
 * public class so that no protobuf type appears in the public API.
 */
public final class TreeGraphBuilder {
    /** IR version 8 goes with opset 15..17; every ONNX Runtime since 1.10 reads it. */
    static final long IR_VERSION = 8;
    static final long OPSET = 15;
    static final long ML_OPSET = 3;
    static final String ML_DOMAIN = "ai.onnx.ml";
    private static final String INPUT = "input";
    private static final String PROBABILITIES = "probabilities";
    private static final String LABEL = "label";
    private static final String BATCH = "N";

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private int counter;

    private TreeGraphBuilder() {}

    /**
     * @param model the ensemble
     * @param name model name
     * @param version model version
     * @param featureNames column names, one per feature
     * @param threshold label threshold
     * @param scaler optional input transform
     * @return the serialized ModelProto
     */
    public static byte[] build(TreeEnsemble model, String name, String version, List<String> featureNames,
            double threshold, @Nullable Scaler scaler) {
        int features = model.featureCount();
        if (featureNames.size() != features) {
            throw new ModelException("Model \"" + name + "\" reads " + features + " features but " + featureNames.size()
                    + " feature names were given");
        }
        if (scaler != null && scaler.size() != features) {
            throw new ModelException("Model \"" + name + "\" reads " + features + " features but its scaler transforms "
                    + scaler.size());
        }
        return new TreeGraphBuilder().model(model, name, version, featureNames, threshold, scaler).toByteArray();
    }

    private ModelProto model(TreeEnsemble model, String name, String version, List<String> featureNames,
            double threshold, @Nullable Scaler scaler) {
        int features = model.featureCount();
        graph.setName(sanitize(name));
        graph.setDocString("AnomalyOps export of model \"" + name + "\" version " + version + " ("
                + model.treeCount() + " trees, objective " + model.objective().name().toLowerCase(Locale.ROOT) + ")");
        graph.addInput(valueInfo(INPUT, TensorProto.DataType.FLOAT, BATCH, (long) features)
                .setDocString("Features in this order (NaN = missing): " + String.join(", ", featureNames)));

        String x = INPUT;
        if (scaler != null) {
            // (double(x) - center) / scale, rounded to float: what Scaler.apply computes.
            String asDouble = node("Cast", List.of(x), attribute("to", TensorProto.DataType.DOUBLE_VALUE));
            String centered = node("Sub", List.of(asDouble, doubles("center", scaler.center())));
            String scaled = node("Div", List.of(centered, doubles("scale", scaler.scale())));
            x = node("Cast", List.of(scaled), attribute("to", TensorProto.DataType.FLOAT_VALUE));
        }
        Objective objective = model.objective();
        int groups = objective.groups();
        String margins = trees(model, x, groups);

        String p;
        switch (objective) {
            case LOGISTIC -> p = node("Sigmoid", List.of(margins));
            case LOG_LINK -> p = node("Exp", List.of(margins));
            case HINGE -> p = node("Cast", List.of(node("Greater", List.of(margins, floats("zero", 0f)))),
                    attribute("to", TensorProto.DataType.FLOAT_VALUE));
            case SOFTMAX_TWO_CLASSES -> p = column(node("Softmax", List.of(margins), attribute("axis", 1)), 1);
            case ARGMAX_TWO_CLASSES -> p = node("Cast",
                    List.of(node("Greater", List.of(column(margins, 1), column(margins, 0)))),
                    attribute("to", TensorProto.DataType.FLOAT_VALUE));
            default -> p = node("Identity", List.of(margins));
        }
        String complement = node("Sub", List.of(floats("one", 1f), p));
        graph.addNode(NodeProto.newBuilder().setOpType("Concat").setName("probabilities_concat")
                .addInput(complement).addInput(p).addOutput(PROBABILITIES).addAttribute(attribute("axis", 1)));
        String decided = node("GreaterOrEqual", List.of(p, floats("threshold", (float) threshold)));
        String asLong = node("Cast", List.of(decided), attribute("to", TensorProto.DataType.INT64_VALUE));
        graph.addNode(NodeProto.newBuilder().setOpType("Reshape").setName("label_flatten").addInput(asLong)
                .addInput(longs("flat", -1L)).addOutput(LABEL));
        graph.addOutput(valueInfo(PROBABILITIES, TensorProto.DataType.FLOAT, BATCH, 2L)
                .setDocString("[1 - p, p]: p is the model's prediction (anomaly probability)"));
        graph.addOutput(valueInfo(LABEL, TensorProto.DataType.INT64, BATCH)
                .setDocString("1 when p >= " + threshold + ", else 0"));

        String json;
        try {
            json = new ObjectMapper().writeValueAsString(featureNames);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(ML_DOMAIN).setVersion(ML_OPSET))
                .setProducerName("anomalyops")
                .setProducerVersion(producerVersion())
                .setDomain("dev.anomalyops")
                .setDocString(graph.getDocString())
                .setGraph(graph)
                .addMetadataProps(entry("anomalyops.feature_names", json))
                .addMetadataProps(entry("anomalyops.threshold", Double.toString(threshold)))
                .addMetadataProps(entry("anomalyops.model_name", name))
                .addMetadataProps(entry("anomalyops.model_version", version))
                .addMetadataProps(entry("anomalyops.objective", objective.name().toLowerCase(Locale.ROOT)))
                .build();
    }

    /** One TreeEnsembleRegressor computing every output group's margin: {@code [N, groups]}. */
    private String trees(TreeEnsemble model, String x, int groups) {
        List<BinaryTree> trees = model.binaryTrees();
        int nodes = 0;
        int leaves = 0;
        for (BinaryTree tree : trees) {
            nodes += tree.size();
            for (int i = 0; i < tree.size(); i++) {
                if (tree.isLeaf(i)) {
                    leaves++;
                }
            }
        }
        long[] treeIds = new long[nodes];
        long[] nodeIds = new long[nodes];
        long[] featureIds = new long[nodes];
        float[] values = new float[nodes];
        String[] modes = new String[nodes];
        long[] trueIds = new long[nodes];
        long[] falseIds = new long[nodes];
        long[] missingTrue = new long[nodes];
        long[] targetTree = new long[leaves];
        long[] targetNode = new long[leaves];
        long[] targetId = new long[leaves];
        float[] targetWeight = new float[leaves];
        int n = 0;
        int l = 0;
        for (int t = 0; t < trees.size(); t++) {
            BinaryTree tree = trees.get(t);
            if (tree.group() < 0 || tree.group() >= groups) {
                throw new ModelException("Tree " + t + " adds to output group " + tree.group() + " but the objective has "
                        + groups + " group(s)");
            }
            for (int i = 0; i < tree.size(); i++, n++) {
                treeIds[n] = t;
                nodeIds[n] = i;
                if (tree.isLeaf(i)) {
                    modes[n] = "LEAF";
                    targetTree[l] = t;
                    targetNode[l] = i;
                    targetId[l] = tree.group();
                    targetWeight[l] = (float) tree.value()[i];
                    l++;
                    continue;
                }
                if (tree.categories()[i] != null) {
                    throw new ModelException("Tree " + t + " node " + i + " splits on categories of feature "
                            + tree.feature()[i] + "; the ONNX export supports numeric splits only");
                }
                // The ONNX "true" branch is our left child: x < t (XGBoost) or x <= t (CatBoost).
                modes[n] = tree.leftWhenLess() ? "BRANCH_LT" : "BRANCH_LEQ";
                featureIds[n] = tree.feature()[i];
                values[n] = tree.threshold()[i];
                trueIds[n] = tree.left()[i];
                falseIds[n] = tree.right()[i];
                missingTrue[n] = tree.defaultLeft()[i] ? 1 : 0;
            }
        }
        double[] base = model.baseMargins();
        float[] baseValues = new float[groups];
        for (int g = 0; g < groups; g++) {
            baseValues[g] = (float) base[Math.min(g, base.length - 1)];
        }
        String out = name("margins");
        NodeProto.Builder node = NodeProto.newBuilder().setOpType("TreeEnsembleRegressor").setDomain(ML_DOMAIN)
                .setName("trees").addInput(x).addOutput(out)
                .addAttribute(attribute("n_targets", groups))
                .addAttribute(ints("nodes_treeids", treeIds))
                .addAttribute(ints("nodes_nodeids", nodeIds))
                .addAttribute(ints("nodes_featureids", featureIds))
                .addAttribute(floatList("nodes_values", values))
                .addAttribute(strings("nodes_modes", modes))
                .addAttribute(ints("nodes_truenodeids", trueIds))
                .addAttribute(ints("nodes_falsenodeids", falseIds))
                .addAttribute(ints("nodes_missing_value_tracks_true", missingTrue))
                .addAttribute(ints("target_treeids", targetTree))
                .addAttribute(ints("target_nodeids", targetNode))
                .addAttribute(ints("target_ids", targetId))
                .addAttribute(floatList("target_weights", targetWeight))
                .addAttribute(floatList("base_values", baseValues))
                .addAttribute(string("aggregate_function", "SUM"))
                .addAttribute(string("post_transform", "NONE"));
        graph.addNode(node);
        return out;
    }

    /** Column {@code index} of a {@code [N, k]} tensor as {@code [N, 1]}. */
    private String column(String input, long index) {
        return node("Slice", List.of(input, longs("start", index), longs("end", index + 1), longs("axis", 1L)));
    }

    private String node(String op, List<String> inputs, AttributeProto... attributes) {
        String out = name(op.toLowerCase(Locale.ROOT));
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(out + "_node").addAllInput(inputs)
                .addOutput(out);
        for (AttributeProto attribute : attributes) {
            node.addAttribute(attribute);
        }
        graph.addNode(node);
        return out;
    }

    private String name(String base) {
        return base + "_" + counter++;
    }

    private String floats(String base, float value) {
        String name = name(base);
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addFloatData(value));
        return name;
    }

    private String doubles(String base, double[] values) {
        String name = name(base);
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.DOUBLE_VALUE).addDims(values.length);
        for (double v : values) {
            tensor.addDoubleData(v);
        }
        graph.addInitializer(tensor);
        return name;
    }

    private String longs(String base, long value) {
        String name = name(base);
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(1).addInt64Data(value));
        return name;
    }

    private static ValueInfoProto.Builder valueInfo(String name, TensorProto.DataType type, String batch, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(batch));
        for (long dim : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(dim));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)));
    }

    private static AttributeProto attribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto string(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8)).build();
    }

    private static AttributeProto ints(String name, long[] values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static AttributeProto floatList(String name, float[] values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
        for (float v : values) {
            a.addFloats(v);
        }
        return a.build();
    }

    private static AttributeProto strings(String name, String[] values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
                .setType(AttributeProto.AttributeType.STRINGS);
        for (String v : values) {
            a.addStrings(ByteString.copyFrom(v, StandardCharsets.UTF_8));
        }
        return a.build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static String sanitize(String name) {
        return name.replaceAll("[^A-Za-z0-9_]", "_");
    }

    private static String producerVersion() {
        String version = TreeGraphBuilder.class.getPackage().getImplementationVersion();
        return version != null ? version : "development";
    }
}
