package dev.requestreply.responder.core;

import java.util.Arrays;

/**
 * The finished records named by a commit's metadata ({@link CommitMetadata#decode}): ranges of
 * offsets, ascending.
 */
public final class FinishedOffsets {

	// Start (inclusive) and end (exclusive) of each finished range, one after the other.
	private final long[] bounds;

	FinishedOffsets(long[] bounds) {
		this.bounds = bounds;
	}

	/**
	 * Return whether an offset is named as finished.
	 */
	public boolean contains(long offset) {
		int found = Arrays.binarySearch(this.bounds, offset);
		// On a bound: a start is inside its range, an end outside; between: inside if after a start.
		int position = (found >= 0) ? found : -found - 2;
		return position >= 0 && position % 2 == 0 && (found < 0 || found % 2 == 0);
	}

	/**
	 * Return the offset after the last finished one named.
	 */
	public long end() {
		return this.bounds[this.bounds.length - 1];
	}

	/**
	 * Return how many ranges of finished offsets are named.
	 */
	public int ranges() {
		return this.bounds.length / 2;
	}

}
