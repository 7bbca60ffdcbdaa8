package dev.requestreply.convert;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.Assert;

/**
 * Converts request and reply payloads to and from record bytes: {@code String} is UTF-8 as it is
 * (no JSON quoting), {@code byte[]} passes as is, every other type is JSON. The target type is
 * always the one the code names, never a class name read from a header.
 *
 * @since 0.1.0
 */
public class PayloadConverter {

	private final JsonMapper jsonMapper;

	/**
	 * Create a converter that writes and reads JSON with the given mapper.
	 * @param jsonMapper the JSON mapper, usually Spring Boot's
	 */
	public PayloadConverter(JsonMapper jsonMapper) {
		Assert.notNull(jsonMapper, "'jsonMapper' must not be null");
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Convert a payload to record bytes.
	 * @param payload the payload, may be {@code null}
	 * @return the bytes, or {@code null} for a {@code null} payload
	 * @throws PayloadConversionException if the payload cannot be written as JSON
	 */
	public byte @Nullable [] toBytes(@Nullable Object payload) {
		if (payload == null) {
			return null;
		}
		if (payload instanceof byte[] bytes) {
			return bytes;
		}
		if (payload instanceof String text) {
			return text.getBytes(StandardCharsets.UTF_8);
		}
		try {
			return this.jsonMapper.writeValueAsBytes(payload);
		}
		catch (JacksonException ex) {
			throw new PayloadConversionException("Cannot write " + payload.getClass().getName() + " as JSON", ex);
		}
	}

	/**
	 * Convert record bytes to the given type.
	 * @param <T> the target type
	 * @param bytes the bytes, may be {@code null}
	 * @param type the target type
	 * @return the payload, or {@code null} for {@code null} bytes
	 * @throws PayloadConversionException if the bytes are not JSON of that type
	 */
	@SuppressWarnings("unchecked")
	public <T> @Nullable T fromBytes(byte[] bytes, Class<T> type) {
		return (T) fromBytes(bytes, (Type) type);
	}

	/**
	 * Convert record bytes to the given, possibly generic, type.
	 * @param bytes the bytes, may be {@code null}
	 * @param type the target type
	 * @return the payload, or {@code null} for {@code null} bytes
	 * @throws PayloadConversionException if the bytes are not JSON of that type
	 */
	public @Nullable Object fromBytes(byte @Nullable [] bytes, @Nullable Type type) {
		Assert.notNull(type, "'type' must not be null");
		if (bytes == null) {
			return null;
		}
		if (type == byte[].class) {
			return bytes;
		}
		if (type == String.class) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		JavaType javaType = this.jsonMapper.constructType(type);
		try {
			return this.jsonMapper.readValue(bytes, javaType);
		}
		catch (JacksonException ex) {
			throw new PayloadConversionException("Cannot read " + bytes.length + " bytes as JSON of type "
					+ javaType.toCanonical() + ": " + ex.getOriginalMessage(), ex);
		}
	}

}
