package dev.requestreply.responder;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.requestreply.ReplyHandler;
import dev.requestreply.responder.core.Partition;
import dev.requestreply.responder.core.RequestRef;
import dev.requestreply.responder.core.ResponderAction;
import dev.requestreply.responder.core.ResponderCore;
import dev.requestreply.responder.core.ResponderEvent;
import dev.requestreply.wire.RequestHeaders;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * The owner of the request state of a handler in a consumer group without transactions: its
 * {@link ResponderCore decisions} behind its {@link HandlerLoop loop}. Every other thread only
 * posts what happened here (the consumer: arrived, assigned, revoking, revoked, lost; a worker:
 * started, skipped, returned, threw; whoever completes a reply: completed; the producer: sent or
 * failed; the cancel reader: cancel; the watchdog: deadline, max handling time; the handler:
 * stop), and the loop hands each decision to {@link CoreActions}. It also knows each request
 * by its delivery, for the actions.
 */
final class HandlerCore {

	private final HandlerLoop loop;

	private final Map<Long, InHandRequest> known = new ConcurrentHashMap<>();

	private final AtomicLong deliveries = new AtomicLong();

	/**
	 * @param handlerId the handler's id
	 * @param ordering its ordering
	 * @param maxNamed how many finished offsets a commit's metadata names (the engine's ledger
	 * commits for now: the core's commits are not carried out)
	 * @param executor the library's executor the loop drains on
	 * @param actions carries out the core's actions
	 * @param intake paused while the loop is stuck
	 */
	HandlerCore(String handlerId, ReplyHandler.Ordering ordering, int maxNamed, Executor executor,
			Consumer<ResponderAction> actions, HandlerLoop.Intake intake) {
		this.loop = new HandlerLoop(handlerId, new ResponderCore(ordering, maxNamed), executor, actions, intake);
	}

	HandlerLoop loop() {
		return this.loop;
	}

	/**
	 * Return the request of a delivery, while the core knows it.
	 */
	@Nullable InHandRequest request(RequestRef ref) {
		return this.known.get(ref.id());
	}

	/**
	 * The request left the hand (its outcome carried out).
	 */
	void forget(RequestRef ref) {
		this.known.remove(ref.id());
	}

	/**
	 * A request was taken in hand on the consumer's thread, in offset order.
	 */
	void arrived(InHandRequest request) {
		TopicPartition partition = request.ledger().partition();
		CoreTicket ticket = new CoreTicket(new RequestRef(this.deliveries.incrementAndGet(), of(partition),
				request.record.offset()));
		request.ticket = ticket;
		this.known.put(ticket.ref.id(), request);
		this.loop.post(new ResponderEvent.Arrived(ticket.ref, laneKey(request), request.deadlineMillis()));
	}

	// As RequestLanes did: keyless requests with KEY ordered by their correlation id.
	private static @Nullable Object laneKey(InHandRequest request) {
		if (request.record.key() != null) {
			return ByteBuffer.wrap(request.record.key());
		}
		RequestHeaders headers = request.headers;
		return (headers != null) ? List.of(ByteBuffer.wrap(headers.correlationId())) : null;
	}

	void post(InHandRequest request, Event event) {
		CoreTicket ticket = request.ticket;
		if (ticket == null) {
			return;
		}
		RequestRef ref = ticket.ref;
		this.loop.post(switch (event) {
			case CLAIMED -> new ResponderEvent.Started(ref, true);
			case SKIPPED_BY_WITHDRAWAL -> new ResponderEvent.Started(ref, false);
			case SKIPPED -> skipped(ticket);
			case SENT -> new ResponderEvent.ReplySent(ref);
			case SEND_FAILED -> new ResponderEvent.ReplyFailed(ref);
			case CANCEL -> new ResponderEvent.Cancel(ref);
			case DEADLINE -> new ResponderEvent.DeadlinePassed(ref);
			case MAX_HANDLING_TIME -> new ResponderEvent.MaxHandlingTime(ref);
		});
	}

	private static ResponderEvent skipped(CoreTicket ticket) {
		ticket.workerTold = true;
		return new ResponderEvent.Skipped(ticket.ref);
	}

	/**
	 * Its method returned what ends later (a future, a stream, or a reply being made).
	 */
	void returned(InHandRequest request) {
		CoreTicket ticket = request.ticket;
		if (ticket != null) {
			ticket.returnedTold = true;
			ticket.workerTold = true;
			this.loop.post(new ResponderEvent.Returned(ticket.ref, true));
		}
	}

	/**
	 * Its reply was made (or failed: an error reply), to go once the core says so.
	 * @param errorCode the error code of an error reply, else {@code null}
	 */
	void made(InHandRequest request, CoreTicket.Prepared prepared, @Nullable String errorCode) {
		CoreTicket ticket = request.ticket;
		if (ticket == null) {
			return;
		}
		ticket.prepared = prepared;
		if (ticket.returnedTold) {
			// Its worker told the core already.
			this.loop.post(new ResponderEvent.Completed(ticket.ref, errorCode));
		}
		else if (errorCode != null) {
			// Before its method: the worker is done with it.
			ticket.workerTold = true;
			this.loop.post(new ResponderEvent.Threw(ticket.ref, errorCode));
		}
		else {
			ticket.workerTold = true;
			this.loop.post(new ResponderEvent.Returned(ticket.ref, false));
		}
	}

	void assigned(Collection<TopicPartition> partitions) {
		for (TopicPartition partition : partitions) {
			// The engine's ledger skips what the previous owner finished before it arrives.
			this.loop.post(new ResponderEvent.Assigned(of(partition), 0, Set.of()));
		}
	}

	void revoking(Collection<TopicPartition> partitions) {
		this.loop.post(new ResponderEvent.Revoking(of(partitions)));
	}

	void takenAway(Collection<TopicPartition> partitions, boolean lost) {
		this.loop.post(lost ? new ResponderEvent.Lost(of(partitions)) : new ResponderEvent.Revoked(of(partitions)));
	}

	void stop() {
		this.loop.post(new ResponderEvent.Stop());
	}

	static Partition of(TopicPartition partition) {
		return new Partition(partition.topic(), partition.partition());
	}

	private static List<Partition> of(Collection<TopicPartition> partitions) {
		return partitions.stream().map(HandlerCore::of).toList();
	}

	/**
	 * What a thread tells the core of one request.
	 */
	enum Event {

		/** Its worker won its claim: the method may run. */
		CLAIMED,

		/** Its worker found it withdrawn. */
		SKIPPED_BY_WITHDRAWAL,

		/** Its worker ended it without a reply of the core's. */
		SKIPPED,

		/** Its reply was sent. */
		SENT,

		/** Its reply could not be sent. */
		SEND_FAILED,

		/** Its cancel record came. */
		CANCEL,

		/** Its deadline passed. */
		DEADLINE,

		/** It reached the max handling time. */
		MAX_HANDLING_TIME

	}

}
