package dev.anomalyops.triton.internal;

import com.google.protobuf.ByteString;
import dev.anomalyops.triton.Datatype;
import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.InferResponse;
import dev.anomalyops.triton.InvalidRequestException;
import dev.anomalyops.triton.ModelMetadata;
import dev.anomalyops.triton.RepositoryModel;
import dev.anomalyops.triton.ServerMetadata;
import dev.anomalyops.triton.Tensor;
import dev.anomalyops.triton.TensorMetadata;
import dev.anomalyops.triton.internal.grpc.GrpcService.InferParameter;
import dev.anomalyops.triton.internal.grpc.GrpcService.InferTensorContents;
import dev.anomalyops.triton.internal.grpc.GrpcService.ModelInferRequest;
import dev.anomalyops.triton.internal.grpc.GrpcService.ModelInferResponse;
import dev.anomalyops.triton.internal.grpc.GrpcService.ModelMetadataResponse;
import dev.anomalyops.triton.internal.grpc.GrpcService.RepositoryIndexResponse;
import dev.anomalyops.triton.internal.grpc.GrpcService.ServerMetadataResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Our types to and from the protocol's protobuf messages, both directions. Fixed-size tensors travel in
 * {@code raw_input_contents} / {@code raw_output_contents} (the protocol's fast path and Triton's default);
 * typed {@code contents} are read too, and mixing the two in one message is rejected as the protocol says.
 */
public final class ProtoCodec {
    private ProtoCodec() {}

    /**
     * @param request our request
     * @return the protobuf request, inputs in raw form
     */
    public static ModelInferRequest toProto(InferRequest request) {
        ModelInferRequest.Builder b = ModelInferRequest.newBuilder().setModelName(request.model())
                .setModelVersion(request.version()).setId(request.id());
        request.parameters().forEach((k, v) -> b.putParameters(k, parameter(v)));
        for (Tensor input : request.inputs()) {
            b.addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName(input.name())
                    .setDatatype(input.datatype().name()).addAllShape(longs(input.shape())));
            b.addRawInputContents(ByteString.copyFrom(input.rawBytes()));
        }
        for (String output : request.outputs()) {
            b.addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName(output));
        }
        return b.build();
    }

    /**
     * @param proto a protobuf request
     * @param maxElements most elements one input may have
     * @return our request
     * @throws InvalidRequestException when raw and typed contents are mixed or sizes disagree
     */
    public static InferRequest fromProto(ModelInferRequest proto, long maxElements) {
        boolean raw = proto.getRawInputContentsCount() > 0;
        if (raw && proto.getRawInputContentsCount() != proto.getInputsCount()) {
            throw new InvalidRequestException("The request has " + proto.getInputsCount() + " inputs but "
                    + proto.getRawInputContentsCount() + " raw_input_contents; there must be one per input");
        }
        List<Tensor> inputs = new ArrayList<>(proto.getInputsCount());
        for (int i = 0; i < proto.getInputsCount(); i++) {
            ModelInferRequest.InferInputTensor input = proto.getInputs(i);
            Datatype type;
            try {
                type = Datatype.of(input.getDatatype());
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("Input \"" + input.getName() + "\" has " + e.getMessage());
            }
            long[] shape = input.getShapeList().stream().mapToLong(Long::longValue).toArray();
            long count = Tensor.elementCount(input.getName(), shape);
            if (count > maxElements) {
                throw new InvalidRequestException("Input \"" + input.getName() + "\" has " + count
                        + " elements, more than the server's limit of " + maxElements);
            }
            if (raw) {
                if (input.hasContents()) {
                    throw new InvalidRequestException("Input \"" + input.getName() + "\" sets contents although the"
                            + " request uses raw_input_contents; the protocol forbids mixing them");
                }
                inputs.add(Tensor.raw(input.getName(), type, shape, proto.getRawInputContents(i).toByteArray()));
            } else {
                inputs.add(fromContents(input.getName(), type, shape, input.getContents()));
            }
        }
        List<String> outputs = new ArrayList<>();
        proto.getOutputsList().forEach(o -> outputs.add(o.getName()));
        return new InferRequest(proto.getModelName(), proto.getModelVersion(), proto.getId(), inputs, outputs,
                parameters(proto.getParametersMap()));
    }

    /**
     * @param response our response
     * @return the protobuf response, outputs in raw form
     */
    public static ModelInferResponse toProto(InferResponse response) {
        ModelInferResponse.Builder b = ModelInferResponse.newBuilder().setModelName(response.model())
                .setModelVersion(response.version()).setId(response.id());
        response.parameters().forEach((k, v) -> b.putParameters(k, parameter(v)));
        for (Tensor output : response.outputs()) {
            b.addOutputs(ModelInferResponse.InferOutputTensor.newBuilder().setName(output.name())
                    .setDatatype(output.datatype().name()).addAllShape(longs(output.shape())));
            b.addRawOutputContents(ByteString.copyFrom(output.rawBytes()));
        }
        return b.build();
    }

    /**
     * @param proto a protobuf response (raw or typed contents)
     * @return our response
     */
    public static InferResponse fromProto(ModelInferResponse proto) {
        boolean raw = proto.getRawOutputContentsCount() > 0;
        List<Tensor> outputs = new ArrayList<>();
        for (int i = 0; i < proto.getOutputsCount(); i++) {
            ModelInferResponse.InferOutputTensor output = proto.getOutputs(i);
            Datatype type = Datatype.of(output.getDatatype());
            long[] shape = output.getShapeList().stream().mapToLong(Long::longValue).toArray();
            if (raw) {
                outputs.add(Tensor.raw(output.getName(), type, shape, proto.getRawOutputContents(i).toByteArray()));
            } else {
                outputs.add(fromContents(output.getName(), type, shape, output.getContents()));
            }
        }
        return new InferResponse(proto.getModelName(), proto.getModelVersion(), proto.getId(), outputs,
                parameters(proto.getParametersMap()));
    }

    private static Tensor fromContents(String name, Datatype type, long[] shape, InferTensorContents c) {
        return switch (type) {
            case FP32 -> {
                float[] v = new float[c.getFp32ContentsCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = c.getFp32Contents(i);
                }
                yield Tensor.fp32(name, shape, v);
            }
            case FP64 -> Tensor.fp64(name, shape, c.getFp64ContentsList().stream().mapToDouble(Double::doubleValue)
                    .toArray());
            case INT64 -> Tensor.int64(name, shape, c.getInt64ContentsList().stream().mapToLong(Long::longValue)
                    .toArray());
            case INT8, INT16, INT32 -> Tensor.ints(name, type, shape, c.getIntContentsList().stream()
                    .mapToInt(Integer::intValue).toArray());
            case UINT8, UINT16 -> Tensor.ints(name, type, shape, c.getUintContentsList().stream()
                    .mapToInt(Integer::intValue).toArray());
            case BOOL -> {
                boolean[] v = new boolean[c.getBoolContentsCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = c.getBoolContents(i);
                }
                yield Tensor.bool(name, shape, v);
            }
            case BYTES -> Tensor.bytes(name, shape, c.getBytesContentsList().stream().map(ByteString::toByteArray)
                    .toList());
            default -> throw new InvalidRequestException("Tensor \"" + name + "\" is " + type
                    + "; send it in raw contents");
        };
    }

    /**
     * @param metadata server metadata
     * @return the message
     */
    public static ServerMetadataResponse toProto(ServerMetadata metadata) {
        return ServerMetadataResponse.newBuilder().setName(metadata.name()).setVersion(metadata.version())
                .addAllExtensions(metadata.extensions()).build();
    }

    /**
     * @param proto the message
     * @return server metadata
     */
    public static ServerMetadata fromProto(ServerMetadataResponse proto) {
        return new ServerMetadata(proto.getName(), proto.getVersion(), proto.getExtensionsList());
    }

    /**
     * @param metadata model metadata
     * @return the message
     */
    public static ModelMetadataResponse toProto(ModelMetadata metadata) {
        ModelMetadataResponse.Builder b = ModelMetadataResponse.newBuilder().setName(metadata.name())
                .addAllVersions(metadata.versions()).setPlatform(metadata.platform()).putAllProperties(
                        metadata.properties());
        metadata.inputs().forEach(t -> b.addInputs(tensor(t)));
        metadata.outputs().forEach(t -> b.addOutputs(tensor(t)));
        return b.build();
    }

    /**
     * @param proto the message
     * @return model metadata
     */
    public static ModelMetadata fromProto(ModelMetadataResponse proto) {
        return new ModelMetadata(proto.getName(), proto.getVersionsList(), proto.getPlatform(),
                proto.getInputsList().stream().map(ProtoCodec::tensor).toList(),
                proto.getOutputsList().stream().map(ProtoCodec::tensor).toList(), proto.getPropertiesMap());
    }

    /**
     * @param models index entries
     * @return the message
     */
    public static RepositoryIndexResponse toProto(List<RepositoryModel> models) {
        RepositoryIndexResponse.Builder b = RepositoryIndexResponse.newBuilder();
        for (RepositoryModel m : models) {
            b.addModels(RepositoryIndexResponse.ModelIndex.newBuilder().setName(m.name()).setVersion(m.version())
                    .setState(m.state()).setReason(m.reason()));
        }
        return b.build();
    }

    /**
     * @param proto the message
     * @return index entries
     */
    public static List<RepositoryModel> fromProto(RepositoryIndexResponse proto) {
        return proto.getModelsList().stream().map(m -> new RepositoryModel(m.getName(), m.getVersion(), m.getState(),
                m.getReason())).toList();
    }

    private static ModelMetadataResponse.TensorMetadata tensor(TensorMetadata t) {
        return ModelMetadataResponse.TensorMetadata.newBuilder().setName(t.name()).setDatatype(t.datatype().name())
                .addAllShape(t.shape()).build();
    }

    private static TensorMetadata tensor(ModelMetadataResponse.TensorMetadata t) {
        return new TensorMetadata(t.getName(), Datatype.of(t.getDatatype()), t.getShapeList());
    }

    private static List<Long> longs(long[] values) {
        List<Long> out = new ArrayList<>(values.length);
        for (long v : values) {
            out.add(v);
        }
        return out;
    }

    private static InferParameter parameter(Object value) {
        InferParameter.Builder b = InferParameter.newBuilder();
        if (value instanceof Boolean v) {
            b.setBoolParam(v);
        } else if (value instanceof Long || value instanceof Integer) {
            b.setInt64Param(((Number) value).longValue());
        } else if (value instanceof Double v) {
            b.setDoubleParam(v);
        } else {
            b.setStringParam(String.valueOf(value));
        }
        return b.build();
    }

    private static Map<String, Object> parameters(Map<String, InferParameter> proto) {
        Map<String, Object> out = new LinkedHashMap<>();
        proto.forEach((k, p) -> out.put(k, switch (p.getParameterChoiceCase()) {
            case BOOL_PARAM -> p.getBoolParam();
            case INT64_PARAM -> p.getInt64Param();
            case DOUBLE_PARAM -> p.getDoubleParam();
            case UINT64_PARAM -> p.getUint64Param();
            case STRING_PARAM -> p.getStringParam();
            default -> "";
        }));
        return out;
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
