package dev.requestreply.responder.core;

import java.util.Arrays;

/**
 * The started records named by a commit's metadata ({@link CommitMetadata#decodeStarted}):
 * requests the committing owner had in hand, running, and not finished.
 */
public final class StartedOffsets {

	private final long[] offsets;

	private final long unnamed;

	StartedOffsets(long[] offsets, long unnamed) {
		this.offsets = offsets;
		this.unnamed = unnamed;
	}

	/**
	 * Return whether an offset is named as started.
	 */
	public boolean contains(long offset) {
		return Arrays.binarySearch(this.offsets, offset) >= 0;
	}

	/**
	 * Return the offsets named, ascending.
	 */
	public long[] offsets() {
		return this.offsets.clone();
	}

	/**
	 * Return how many more had started, left out for lack of room.
	 */
	public long unnamed() {
		return this.unnamed;
	}

}
