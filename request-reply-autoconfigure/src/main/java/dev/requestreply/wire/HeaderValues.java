package dev.requestreply.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * How one header value is written and read, whatever its name: bytes, UTF-8 text, ASCII decimal
 * numbers, 4-byte partitions, flags.
 */
final class HeaderValues {

	static final byte[] FLAG = { '1' };

	// Long.MAX_VALUE has 19 digits.
	private static final int MAX_NUMBER_DIGITS = 19;

	private HeaderValues() {
	}

	static byte @Nullable [] value(Headers headers, String name) {
		Header header = headers.lastHeader(name);
		return (header != null) ? header.value() : null;
	}

	static @Nullable String text(Headers headers, String name) {
		byte[] value = value(headers, name);
		return (value != null) ? new String(value, StandardCharsets.UTF_8) : null;
	}

	static @Nullable Long number(Headers headers, String name) {
		byte[] value = value(headers, name);
		return (value != null) ? parseNumber(new String(value, StandardCharsets.US_ASCII)) : null;
	}

	static @Nullable Long parseNumber(String text) {
		if (text.isEmpty() || text.length() > MAX_NUMBER_DIGITS) {
			return null;
		}
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) < '0' || text.charAt(i) > '9') {
				return null;
			}
		}
		try {
			return Long.parseLong(text);
		}
		catch (NumberFormatException ex) {
			// 19 digits past Long.MAX_VALUE
			return null;
		}
	}

	static byte[] ascii(long number) {
		return Long.toString(number).getBytes(StandardCharsets.US_ASCII);
	}

	static byte[] partition(int partition) {
		return ByteBuffer.allocate(4).putInt(partition).array();
	}

	static @Nullable Integer partition(@Nullable Header header, String name) {
		if (header == null) {
			return null;
		}
		byte[] value = header.value();
		if (value == null || value.length != 4) {
			throw new WireFormatException("Header " + name + " must be a 4-byte big-endian int");
		}
		int partition = ByteBuffer.wrap(value).getInt();
		if (partition < 0) {
			throw new WireFormatException("Header " + name + " must not be negative: " + partition);
		}
		return partition;
	}

	static String abbreviate(String text) {
		return (text.length() > 32) ? text.substring(0, 32) + "..." : text;
	}

}
