package dev.requestreply.responder;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
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
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * The owner of the request state of a handler in a consumer group: its
 * {@link ResponderCore decisions} behind its {@link HandlerLoop loop}. Every other thread only
 * posts what happened here (the consumer: arrived, assigned, revoking, revoked, lost; a worker:
 * started, skipped, returned, threw; whoever completes a reply: completed; the producer: sent or
 * failed; the cancel reader: cancel; the watchdog: deadline, max handling time; the handler:
 * stop), and the loop hands each decision to {@link CoreActions}. It also knows each request
 * by its delivery, for the actions.
 * <p>
 * What a thread knows at once goes in one post: the consumer posts a poll's arrivals together,
 * and a worker tells its claim with what ends its call (the method's return with its reply, its
 * failure, a skip), not on its own. The loop tells the core of a claim it was not told yet (the
 * worker's mark, read on the loop) before any event whose decision depends on it (a cancel, a
 * deadline, the max handling time, a revocation, a loss, the stop): so the core decides as if
 * the worker had posted its claim at once. An event about a request the loop has not taken yet
 * (a cancel read before the poll's arrivals were posted) is kept and told right after it.
 * <p>
 * With transactions, the replies it sends go in their partitions' transactions
 * ({@link TransactionalReplies}), whose offsets the ledgers of its consumers
 * ({@link PartitionLedger}) still decide: the core's commits, pauses and resumes are not carried
 * out then.
 */
final class HandlerCore {

	private final HandlerLoop loop;

	private final Map<Long, InHandRequest> known = new ConcurrentHashMap<>();

	private final AtomicLong deliveries = new AtomicLong();

	private final CoreConsumers consumers = new CoreConsumers();

	private final int maxMetadataChars;

	/**
	 * @param handlerId the handler's id
	 * @param ordering its ordering
	 * @param maxMetadataChars the longest commit metadata the broker takes (0: none)
	 * @param executor the library's executor the loop drains on
	 * @param actions carries out the core's actions
	 * @param intake paused while the loop is stuck
	 * @param rounds runs each round of the loop (to hand out what it decided together)
	 */
	HandlerCore(String handlerId, ReplyHandler.Ordering ordering, int maxMetadataChars, Executor executor,
			Consumer<ResponderAction> actions, LoopIntake intake, Consumer<Runnable> rounds) {
		this.maxMetadataChars = maxMetadataChars;
		this.loop = new HandlerLoop(handlerId, new ResponderCore(ordering, maxMetadataChars), executor, actions,
				intake, rounds);
	}

	int maxMetadataChars() {
		return this.maxMetadataChars;
	}

	CoreConsumers consumers() {
		return this.consumers;
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
	 * A request was taken in hand on the consumer's thread, in offset order: known from now on,
	 * told to the core with its poll's others ({@link #arrived}).
	 */
	void taken(InHandRequest request) {
		CoreTicket ticket = new CoreTicket(new RequestRef(this.deliveries.incrementAndGet(),
				new Partition(request.record.topic(), request.record.partition()), request.record.offset()));
		request.ticket = ticket;
		this.known.put(ticket.ref.id(), request);
	}

	/**
	 * A poll's requests were taken in hand: one post.
	 */
	void arrived(List<InHandRequest> requests) {
		if (!requests.isEmpty()) {
			this.loop.post(new CorePostings.Arrivals(requests));
		}
	}

	// As RequestLanes did: keyless requests with KEY ordered by their correlation id.
	static @Nullable Object laneKey(InHandRequest request) {
		if (request.record.key() != null) {
			return ByteBuffer.wrap(request.record.key());
		}
		RequestHeaders headers = request.headers;
		return (headers != null) ? List.of(ByteBuffer.wrap(headers.correlationId())) : null;
	}

	/**
	 * Tell the core what happened to a request, on any thread.
	 */
	void post(InHandRequest request, TicketEvent event) {
		CoreTicket ticket = request.ticket;
		if (ticket == null) {
			return;
		}
		if (event == TicketEvent.SKIPPED) {
			synchronized (ticket) {
				ticket.workerTold = true;
				this.loop.post(new CorePostings.Told(ticket, event, null));
			}
			return;
		}
		this.loop.post(new CorePostings.Told(ticket, event, null));
	}

	/**
	 * Its worker won its claim: the method may run. Told to the core with what ends the call (or
	 * by the loop, before an event that depends on it).
	 */
	void claimed(InHandRequest request) {
		CoreTicket ticket = request.ticket;
		if (ticket != null) {
			ticket.claimed = true;
		}
	}

	/**
	 * Its worker is done with it: told as a skip unless it told the core already (its return, its
	 * reply, a skip).
	 */
	void workerDone(InHandRequest request) {
		CoreTicket ticket = request.ticket;
		if (ticket == null) {
			return;
		}
		synchronized (ticket) {
			if (!ticket.workerTold) {
				ticket.workerTold = true;
				this.loop.post(new CorePostings.Told(ticket, TicketEvent.SKIPPED, null));
			}
		}
	}

	/**
	 * Its method returned what ends later (a future, a stream, or a reply being made), unless its
	 * reply was made meanwhile (then that told it); on its worker.
	 */
	void returned(InHandRequest request) {
		CoreTicket ticket = request.ticket;
		if (ticket == null) {
			return;
		}
		synchronized (ticket) {
			if (!ticket.workerTold) {
				ticket.returnedTold = true;
				ticket.workerTold = true;
				this.loop.post(new CorePostings.Told(ticket, TicketEvent.RETURNED_PENDING, null));
			}
		}
	}

	/**
	 * Its reply was made (or failed: an error reply), to go once the core says so: with its
	 * method's return, when its worker made it (one post for both).
	 * @param errorCode the error code of an error reply, else {@code null}
	 */
	void made(InHandRequest request, CoreTicket.Prepared prepared, @Nullable String errorCode) {
		CoreTicket ticket = request.ticket;
		if (ticket == null) {
			return;
		}
		synchronized (ticket) {
			ticket.prepared = prepared;
			TicketEvent event;
			if (ticket.returnedTold) {
				// Its worker told the core already.
				event = TicketEvent.COMPLETED;
			}
			else {
				ticket.workerTold = true;
				event = (errorCode != null) ? TicketEvent.THREW : TicketEvent.RETURNED;
			}
			this.loop.post(new CorePostings.Told(ticket, event, errorCode));
		}
	}

	/**
	 * Partitions were assigned to a consumer, on its thread: each starts from where the group had
	 * committed it (the previous owner's finished and started offsets in its metadata).
	 */
	void assigned(ConsumerLedgers owner, Collection<TopicPartition> partitions,
			Map<TopicPartition, OffsetAndMetadata> committed) {
		this.consumers.assigned(owner, partitions);
		for (TopicPartition partition : partitions) {
			OffsetAndMetadata offset = committed.get(partition);
			this.loop.post(new ResponderEvent.Assigned(of(partition), (offset != null) ? offset.offset() : -1,
					(offset != null) ? offset.metadata() : null));
		}
	}

	/**
	 * A record that is no request (a cancel record) was taken: its offset finished.
	 */
	void passed(TopicPartition partition, long offset) {
		this.loop.post(new ResponderEvent.Passed(of(partition), offset));
	}

	/**
	 * A commit the core asked for ended, on the consumer's thread.
	 */
	void commitDone(Map<TopicPartition, OffsetAndMetadata> offsets, boolean succeeded) {
		offsets.forEach((partition, offset) -> this.loop
			.post(new ResponderEvent.CommitDone(of(partition), offset.offset(), succeeded)));
	}

	void revoking(Collection<TopicPartition> partitions) {
		this.loop.post(new CorePostings.Going(this.known.values(), new ResponderEvent.Revoking(of(partitions))));
	}

	/**
	 * Partitions are taken away, on the consumer's thread in the rebalance callback.
	 * @return completed once the loop decided (its last commits of them asked for, their
	 * requests ended)
	 */
	CompletableFuture<Void> takenAway(Collection<TopicPartition> partitions, boolean lost) {
		List<Partition> gone = of(partitions);
		CorePostings.Going going = new CorePostings.Going(this.known.values(),
				lost ? new ResponderEvent.Lost(gone) : new ResponderEvent.Revoked(gone));
		this.loop.post(going);
		return going.decided();
	}

	void stop() {
		this.loop.post(new CorePostings.Going(this.known.values(), new ResponderEvent.Stop()));
	}

	static Partition of(TopicPartition partition) {
		return new Partition(partition.topic(), partition.partition());
	}

	private static List<Partition> of(Collection<TopicPartition> partitions) {
		List<Partition> all = new ArrayList<>(partitions.size());
		for (TopicPartition partition : partitions) {
			all.add(of(partition));
		}
		return all;
	}

}
