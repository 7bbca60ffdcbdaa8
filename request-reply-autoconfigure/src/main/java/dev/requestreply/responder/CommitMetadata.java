package dev.requestreply.responder;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Base64;

import org.jspecify.annotations.Nullable;

/**
 * The metadata a handler's consumer commits with each partition's offset: which records above
 * the committed offset (the lowest unfinished one) had finished, so that after a crash or a
 * rebalance only the unfinished ones are handled again. {@value #PREFIX} followed by unpadded
 * URL-safe Base64 of unsigned varints: the lengths of alternating runs of unfinished and finished
 * offsets from the committed one (which is unfinished, so the first run is at least 1 long).
 * Offsets past the runs are not known to have finished. Other metadata (such as the empty string
 * that request-reply 0.2 and plain Kafka consumers commit) means nothing is known above the
 * offset, and a 0.2 instance ignores this metadata: it handles every record from the offset on.
 * <p>
 * The broker refuses metadata longer than its {@code offset.metadata.max.bytes} (4096 by
 * default): an encoding that would be longer is cut after the last run that fits, which only
 * forgets that some records finished (they run again after a crash).
 */
final class CommitMetadata {

	static final String PREFIX = "rr1:";

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

	private CommitMetadata() {
	}

	/**
	 * Encode the finished records above a committed offset.
	 * @param committed the committed offset: the lowest unfinished one, or {@code end}
	 * @param unfinished the unfinished offsets in ascending order, the first being {@code committed}
	 * @param count how many of {@code unfinished} are used
	 * @param end the offset after the last record received: every offset from {@code committed}
	 * below it that is not unfinished has finished
	 * @param maxChars the longest metadata the broker takes
	 * @return the metadata (empty when nothing above the offset finished) and whether it holds
	 * every finished offset
	 */
	static Encoded encode(long committed, long[] unfinished, int count, long end, int maxChars) {
		int maxBytes = Math.max(0, (maxChars - PREFIX.length()) * 3 / 4);
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		byte[] runs = new byte[20];
		int i = 0;
		long position = committed;
		while (position < end && i < count) {
			long unfinishedStart = position;
			while (i < count && unfinished[i] == position) {
				i++;
				position++;
			}
			long finishedEnd = (i < count) ? unfinished[i] : end;
			if (finishedEnd <= position) {
				break;
			}
			int length = varint(position - unfinishedStart, runs, 0);
			length = varint(finishedEnd - position, runs, length);
			if (bytes.size() + length > maxBytes) {
				return new Encoded(text(bytes), false);
			}
			bytes.write(runs, 0, length);
			position = finishedEnd;
		}
		return new Encoded(text(bytes), true);
	}

	private static String text(ByteArrayOutputStream bytes) {
		return (bytes.size() == 0) ? "" : PREFIX + ENCODER.encodeToString(bytes.toByteArray());
	}

	private static int varint(long value, byte[] into, int at) {
		long rest = value;
		int index = at;
		while ((rest & ~0x7FL) != 0) {
			into[index++] = (byte) ((rest & 0x7F) | 0x80);
			rest >>>= 7;
		}
		into[index++] = (byte) rest;
		return index;
	}

	/**
	 * Decode the finished records above a committed offset.
	 * @param committed the committed offset
	 * @param metadata its metadata
	 * @return the finished records, or {@code null} when the metadata names none (empty, not
	 * ours, or unreadable)
	 */
	static @Nullable Finished decode(long committed, String metadata) {
		if (metadata == null || !metadata.startsWith(PREFIX)) {
			return null;
		}
		byte[] bytes;
		try {
			bytes = DECODER.decode(metadata.substring(PREFIX.length()));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
		long[] bounds = new long[8];
		int count = 0;
		long position = committed;
		int[] index = { 0 };
		while (index[0] < bytes.length) {
			long unfinishedRun = readVarint(bytes, index);
			long finishedRun = readVarint(bytes, index);
			if (unfinishedRun <= 0 || finishedRun <= 0) {
				return null;
			}
			position += unfinishedRun;
			if (count + 2 > bounds.length) {
				bounds = Arrays.copyOf(bounds, bounds.length * 2);
			}
			bounds[count++] = position;
			position += finishedRun;
			bounds[count++] = position;
		}
		return (count > 0) ? new Finished(Arrays.copyOf(bounds, count)) : null;
	}

	private static long readVarint(byte[] bytes, int[] index) {
		long value = 0;
		for (int shift = 0; shift < 64; shift += 7) {
			if (index[0] >= bytes.length) {
				return -1;
			}
			byte next = bytes[index[0]++];
			value |= (long) (next & 0x7F) << shift;
			if ((next & 0x80) == 0) {
				return value;
			}
		}
		return -1;
	}

	/**
	 * Metadata and whether it holds every finished offset.
	 *
	 * @param text the metadata
	 * @param complete whether nothing was cut to fit
	 */
	record Encoded(String text, boolean complete) {

	}

	/**
	 * The finished records named by a commit's metadata: ranges of offsets, ascending.
	 */
	static final class Finished {

		// Start (inclusive) and end (exclusive) of each finished range, one after the other.
		private final long[] bounds;

		private Finished(long[] bounds) {
			this.bounds = bounds;
		}

		boolean contains(long offset) {
			int found = Arrays.binarySearch(this.bounds, offset);
			// On a bound: a start is inside its range, an end outside; between: inside if after a start.
			int position = (found >= 0) ? found : -found - 2;
			return position >= 0 && position % 2 == 0 && (found < 0 || found % 2 == 0);
		}

		/**
		 * Return the offset after the last finished one named.
		 */
		long end() {
			return this.bounds[this.bounds.length - 1];
		}

		int ranges() {
			return this.bounds.length / 2;
		}

	}

}
