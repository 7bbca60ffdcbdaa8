package dev.requestreply;

import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The 16-byte correlation id of a request sent by {@link RequestReplyTemplate}: a UUID, carried in
 * the {@code kafka_correlationId} header as its most then least significant long, big-endian (as
 * Spring Kafka's {@code ReplyingKafkaTemplate} does).
 * <p>
 * From 0.2 the template's ids are version 8 UUIDs whose first half names the requesting instance
 * (random, drawn once per run, so unique across instances and restarts) and whose second half is
 * random: a requester tells another instance's reply from the id alone, whichever responder sent
 * it. To any other party the id is an opaque 16-byte value, as before.
 *
 * @param mostSignificantBits the first eight bytes
 * @param leastSignificantBits the last eight bytes
 * @since 0.1.0
 */
public record CorrelationId(long mostSignificantBits, long leastSignificantBits) {

	/**
	 * Number of bytes of a correlation id on the wire.
	 */
	public static final int LENGTH = 16;

	/**
	 * Create a new random (version 4) correlation id.
	 * @return a new correlation id
	 */
	public static CorrelationId random() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
		long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
		return new CorrelationId(msb, lsb);
	}

	/**
	 * Draw the first half of the ids of one requesting instance: 60 random bits and the version
	 * bits of a version 8 UUID.
	 * @return the instance's half of its ids
	 * @since 0.2.0
	 */
	public static long newInstanceBits() {
		return (ThreadLocalRandom.current().nextLong() & ~0xF000L) | 0x8000L;
	}

	/**
	 * Create a new id of the instance whose half is given: a version 8 UUID, the second half random.
	 * @param instanceBits the instance's half, from {@link #newInstanceBits()}
	 * @return a new correlation id
	 * @since 0.2.0
	 */
	public static CorrelationId of(long instanceBits) {
		long lsb = (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
		return new CorrelationId(instanceBits, lsb);
	}

	/**
	 * Return whether this id was created by the instance whose half is given.
	 * @param instanceBits the instance's half of its ids
	 * @return whether the first half of this id is that instance's
	 * @since 0.2.0
	 */
	public boolean isOf(long instanceBits) {
		return this.mostSignificantBits == instanceBits;
	}

	/**
	 * Read a correlation id from header bytes.
	 * @param bytes the header value
	 * @return the correlation id, or {@code null} if the bytes are not 16 long (an id no
	 * {@link RequestReplyTemplate} sent)
	 */
	public static @Nullable CorrelationId fromBytes(byte[] bytes) {
		if (bytes == null || bytes.length != LENGTH) {
			return null;
		}
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		return new CorrelationId(buffer.getLong(), buffer.getLong());
	}

	/**
	 * Parse a correlation id from its UUID form.
	 * @param text the UUID string
	 * @return the correlation id
	 * @throws IllegalArgumentException if the text is no UUID
	 */
	public static CorrelationId parse(String text) {
		Assert.hasText(text, "'text' must not be empty");
		UUID uuid = UUID.fromString(text);
		return new CorrelationId(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
	}

	/**
	 * Return the header bytes of this id.
	 * @return 16 new bytes
	 */
	public byte[] toBytes() {
		return ByteBuffer.allocate(LENGTH)
			.putLong(this.mostSignificantBits)
			.putLong(this.leastSignificantBits)
			.array();
	}

	@Override
	public String toString() {
		return new UUID(this.mostSignificantBits, this.leastSignificantBits).toString();
	}

}
