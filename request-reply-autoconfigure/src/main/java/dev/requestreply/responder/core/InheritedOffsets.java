package dev.requestreply.responder.core;

import org.jspecify.annotations.Nullable;

/**
 * The records above a committed offset that the partition's previous owner finished, as its
 * commit's metadata names them, recognised as they come again in offset order (forgotten once
 * the records pass the last one named).
 */
public final class InheritedOffsets {

	private @Nullable FinishedOffsets finished;

	/**
	 * @param committed the committed offset
	 * @param metadata its metadata, or {@code null}
	 */
	public InheritedOffsets(long committed, @Nullable String metadata) {
		this.finished = CommitMetadata.decode(committed, metadata);
	}

	/**
	 * Return whether the previous owner finished the record at an offset; records are asked in
	 * offset order.
	 */
	public boolean finished(long offset) {
		FinishedOffsets named = this.finished;
		if (named == null) {
			return false;
		}
		if (offset >= named.end()) {
			this.finished = null;
			return false;
		}
		return named.contains(offset);
	}

}
