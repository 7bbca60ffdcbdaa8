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
		long number = (value != null) ? parseDigits(value) : -1;
		return (number >= 0) ? number : null;
	}

	/**
	 * Read an ASCII decimal number, without making a string of it.
	 * @return the number, or -1 unless the value is 1 to 19 ASCII digits of a long
	 */
	static long parseDigits(byte[] value) {
		if (value.length == 0 || value.length > MAX_NUMBER_DIGITS) {
			return -1;
		}
		long number = 0;
		for (byte b : value) {
			if (b < '0' || b > '9') {
				return -1;
			}
			int digit = b - '0';
			if (number > (Long.MAX_VALUE - digit) / 10) {
				// 19 digits past Long.MAX_VALUE
				return -1;
			}
			number = number * 10 + digit;
		}
		return number;
	}

	static byte[] ascii(long number) {
		if (number < 0) {
			return Long.toString(number).getBytes(StandardCharsets.US_ASCII);
		}
		// The digits written straight into the bytes: no string per header.
		int length = 1;
		for (long rest = number / 10; rest > 0; rest /= 10) {
			length++;
		}
		byte[] digits = new byte[length];
		long rest = number;
		for (int i = length - 1; i >= 0; i--) {
			digits[i] = (byte) ('0' + (rest % 10));
			rest /= 10;
		}
		return digits;
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
