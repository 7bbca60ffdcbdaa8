package dev.requestreply.responder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * The records a queue handler's share consumers have in hand on this instance, and those it
 * finished lately, by position, so that a second copy of one never runs. A share client keeps the
 * records a fetch acquired in its buffer while its application holds others (a consumer holding
 * long requests only polls to renew them), so their acquisition lock may run out there: the
 * broker then delivers them again, maybe to another consumer of this instance, and the buffered
 * copy still comes out of a later poll. A copy of a request in hand is held beside it (renewed
 * with its reader's other records, acknowledged as the request ends: whichever acquisition the
 * broker still honours counts); a copy of a request finished lately is accepted at once. Used by
 * the readers' threads and by the threads that end requests.
 */
final class ShareCopies {

	private static final int FINISHED_REMEMBERED = 10_000;

	private final Map<Position, Holding> inHand = new ConcurrentHashMap<>();

	// Guarded by itself: the positions of the requests finished lately, oldest first.
	private final Map<Position, Boolean> finished = new LinkedHashMap<>(64, 0.75f, false) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<Position, Boolean> eldest) {
			return size() > FINISHED_REMEMBERED;
		}

	};

	/**
	 * A reader took a request in hand.
	 */
	void taken(InHandRequest request) {
		this.inHand.put(Position.of(request.record), new Holding(request));
	}

	/**
	 * Return the request in hand on this instance that a record is a copy of, having told it that
	 * the given reader holds that copy too (it is told as the request ends).
	 * @param record a record a poll returned
	 * @param reader the reader that holds the copy
	 * @return the request in hand, or {@code null} when none is (then see {@link #finishedLately})
	 */
	@Nullable InHandRequest holdCopy(ConsumerRecord<?, ?> record, ShareAcknowledger reader) {
		Holding holding = this.inHand.get(Position.of(record));
		return (holding != null && holding.add(reader)) ? holding.request : null;
	}

	/**
	 * Return whether a request at the same position as this record finished lately here.
	 */
	boolean finishedLately(ConsumerRecord<?, ?> record) {
		synchronized (this.finished) {
			return this.finished.containsKey(Position.of(record));
		}
	}

	/**
	 * A request ended.
	 * @param request the request
	 * @param finished whether it is done with
	 * @return the readers that hold copies of it, to be told
	 */
	List<ShareAcknowledger> ended(InHandRequest request, boolean finished) {
		Position position = Position.of(request.record);
		if (finished) {
			// Before the copies are closed: a copy that comes after finds it finished.
			synchronized (this.finished) {
				this.finished.put(position, Boolean.TRUE);
			}
		}
		Holding holding = this.inHand.get(position);
		if (holding == null || holding.request != request) {
			return List.of();
		}
		this.inHand.remove(position, holding);
		return holding.close();
	}

	private record Position(String topic, int partition, long offset) {

		static Position of(ConsumerRecord<?, ?> record) {
			return new Position(record.topic(), record.partition(), record.offset());
		}

	}

	private static final class Holding {

		final InHandRequest request;

		// Guarded by this; null once the request ended.
		private @Nullable List<ShareAcknowledger> copies = new ArrayList<>();

		Holding(InHandRequest request) {
			this.request = request;
		}

		synchronized boolean add(ShareAcknowledger reader) {
			if (this.copies == null) {
				return false;
			}
			this.copies.add(reader);
			return true;
		}

		synchronized List<ShareAcknowledger> close() {
			List<ShareAcknowledger> readers = (this.copies != null) ? this.copies : List.of();
			this.copies = null;
			return readers;
		}

	}

}
