package dts.sdkdriver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON helpers: the driver's one ObjectMapper, and serialized payloads read back as values. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** A serialized payload as a JSON value; an absent or empty one is null. */
    static JsonNode decode(String serialized) {
        if (serialized == null || serialized.isEmpty()) return NullNode.getInstance();
        try {
            return MAPPER.readTree(serialized);
        } catch (JsonProcessingException e) {
            return MAPPER.getNodeFactory().textNode(serialized);
        }
    }

    /** The JSON value as the SDK's input object: null for JSON null, so the SDK sends no payload. */
    static Object payload(JsonNode value) {
        return value == null || value.isNull() || value.isMissingNode() ? null : value;
    }
}
