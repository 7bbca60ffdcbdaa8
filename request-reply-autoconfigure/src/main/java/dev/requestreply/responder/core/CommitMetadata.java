package dev.requestreply.responder.core;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.SortedSet;

import org.jspecify.annotations.Nullable;

/**
 * The metadata a handler's consumer commits with each partition's offset: which records above
 * the committed offset (the lowest unfinished one) had finished, so that after a crash or a
 * rebalance only the unfinished ones are handled again, and which unfinished ones had been
 * running for a while (started), so that the next owner can count what it runs a second time.
 * <p>
 * {@value #PREFIX} followed by unpadded URL-safe Base64 of unsigned varints: the lengths of
 * alternating runs of unfinished and finished offsets from the committed one (which is
 * unfinished, so the first run is at least 1 long). Offsets past the runs are not known to have
 * finished. With started records to name, {@value #STARTED_PREFIX} instead, the same runs (may be
 * empty), {@code '.'} and the Base64 of the started marks: how many started records were left
 * out, then the first one's distance from the committed offset, then each next one's from the
 * one before. Other metadata (such as the empty string that request-reply 0.2 and plain Kafka
 * consumers commit) means nothing is known above the offset. A 0.2 instance ignores both forms,
 * and a 0.3 instance the second one (its prefix is not the one it knows): it then handles every
 * record from the offset on, as after an empty metadata.
 * <p>
 * The broker refuses metadata longer than its {@code offset.metadata.max.bytes} (4096 by
 * default): an encoding that would be longer is cut after the last run that fits, which only
 * forgets that some records finished (they run again after a crash). Started marks only take
 * what the runs leave: the highest offsets are left out first, and only counted.
 */
public final class CommitMetadata {

	/** The prefix of metadata naming finished runs only. */
	public static final String PREFIX = "rr1:";

	/** The prefix of metadata naming started records too. */
	public static final String STARTED_PREFIX = "rr2:";

	private static final char MARKS = '.';

	private static final long[] NO_MARKS = {};

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
	public static Encoded encode(long committed, long[] unfinished, int count, long end, int maxChars) {
		return encode(committed, unfinished, count, end, NO_MARKS, maxChars);
	}

	/**
	 * Encode the finished records above a committed offset, and the started ones among the
	 * unfinished.
	 * @param committed the committed offset: the lowest unfinished one, or {@code end}
	 * @param unfinished the unfinished offsets in ascending order, the first being {@code committed}
	 * @param count how many of {@code unfinished} are used
	 * @param end the offset after the last record received
	 * @param started unfinished offsets whose requests started, in ascending order: named as far as
	 * they fit beside the finished ones, the rest counted
	 * @param maxChars the longest metadata the broker takes
	 * @return the metadata and whether it holds every finished offset (started ones left out do
	 * not count)
	 */
	public static Encoded encode(long committed, long[] unfinished, int count, long end, long[] started, int maxChars) {
		return encodeRuns(committed, unfinished, count, end, started, maxChars);
	}

	/**
	 * Encode the finished records above the lowest unfinished one, and the started ones among the
	 * unfinished: what a partition's ledger commits.
	 * @param unfinished the unfinished offsets (not empty): the lowest is the committed offset
	 * @param end the offset after the last record received
	 * @param started unfinished offsets whose requests started, in ascending order
	 * @param maxChars the longest metadata the broker takes
	 * @return the metadata and whether it holds every finished offset
	 */
	public static Encoded encode(SortedSet<Long> unfinished, long end, long[] started, int maxChars) {
		long[] offsets = ascending(unfinished);
		return encodeRuns(offsets[0], offsets, offsets.length, end, started, maxChars);
	}

	/**
	 * Return offsets as an array, in the order of their set.
	 */
	static long[] ascending(SortedSet<Long> offsets) {
		long[] array = new long[offsets.size()];
		int i = 0;
		for (long offset : offsets) {
			array[i++] = offset;
		}
		return array;
	}

	private static Encoded encodeRuns(long committed, long[] unfinished, int count, long end, long[] started,
			int maxChars) {
		int maxBytes = Math.max(0, (maxChars - PREFIX.length()) * 3 / 4);
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		byte[] runs = new byte[20];
		int i = 0;
		long position = committed;
		boolean complete = true;
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
				complete = false;
				break;
			}
			bytes.write(runs, 0, length);
			position = finishedEnd;
		}
		String finished = (bytes.size() == 0) ? "" : ENCODER.encodeToString(bytes.toByteArray());
		String marks = (started.length > 0)
				? marks(committed, started, maxChars - STARTED_PREFIX.length() - finished.length() - 1) : "";
		if (!marks.isEmpty()) {
			return new Encoded(STARTED_PREFIX + finished + MARKS + marks, complete);
		}
		return new Encoded(finished.isEmpty() ? "" : PREFIX + finished, complete);
	}

	// The started marks in at most maxChars, or "" when not even their count fits.
	private static String marks(long committed, long[] started, int maxChars) {
		int maxBytes = Math.max(0, maxChars * 3 / 4);
		byte[] marks = new byte[Math.min(maxBytes, 10 * (started.length + 1))];
		byte[] mark = new byte[10];
		// Room for the count of those left out, which is at most all of them.
		int length = varint(started.length, mark, 0);
		if (length > maxBytes) {
			return "";
		}
		int at = length;
		int named = 0;
		long previous = committed;
		for (long offset : started) {
			int next = varint(offset - previous, mark, 0);
			if (at + next > maxBytes) {
				break;
			}
			System.arraycopy(mark, 0, marks, at, next);
			at += next;
			named++;
			previous = offset;
		}
		// The count of those left out goes first, in the room kept for it.
		int countLength = varint(started.length - named, mark, 0);
		int shift = length - countLength;
		System.arraycopy(mark, 0, marks, shift, countLength);
		return ENCODER.encodeToString(Arrays.copyOfRange(marks, shift, at));
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
	public static @Nullable FinishedOffsets decode(long committed, @Nullable String metadata) {
		byte[] bytes = bytes(metadata, true);
		if (bytes == null) {
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
		return (count > 0) ? new FinishedOffsets(Arrays.copyOf(bounds, count)) : null;
	}

	/**
	 * Decode the started records above a committed offset.
	 * @param committed the committed offset
	 * @param metadata its metadata
	 * @return the started records, or {@code null} when the metadata names none (no marks, not
	 * ours, or unreadable)
	 */
	public static @Nullable StartedOffsets decodeStarted(long committed, @Nullable String metadata) {
		byte[] bytes = bytes(metadata, false);
		if (bytes == null || bytes.length == 0) {
			return null;
		}
		int[] index = { 0 };
		long unnamed = readVarint(bytes, index);
		long[] offsets = new long[8];
		int count = 0;
		long position = committed;
		while (unnamed >= 0 && index[0] < bytes.length) {
			long distance = readVarint(bytes, index);
			if (distance < 0 || (distance == 0 && count > 0)) {
				return null;
			}
			position += distance;
			if (count == offsets.length) {
				offsets = Arrays.copyOf(offsets, count * 2);
			}
			offsets[count++] = position;
		}
		return (unnamed >= 0) ? new StartedOffsets(Arrays.copyOf(offsets, count), unnamed) : null;
	}

	// The bytes of the finished runs or of the started marks, or null when the metadata is not ours.
	private static byte @Nullable [] bytes(@Nullable String metadata, boolean finished) {
		if (metadata == null) {
			return null;
		}
		int marks = metadata.startsWith(STARTED_PREFIX) ? metadata.indexOf(MARKS) : -1;
		String text;
		if (metadata.startsWith(PREFIX)) {
			text = finished ? metadata.substring(PREFIX.length()) : "";
		}
		else if (marks > 0) {
			text = finished ? metadata.substring(STARTED_PREFIX.length(), marks) : metadata.substring(marks + 1);
		}
		else {
			return null;
		}
		try {
			return DECODER.decode(text);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
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
	public record Encoded(String text, boolean complete) {

	}

}
