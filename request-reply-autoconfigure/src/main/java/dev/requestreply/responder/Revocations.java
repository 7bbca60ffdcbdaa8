package dev.requestreply.responder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.requestreply.handler.ReplyHandlerStats;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.listener.ContainerProperties;

/**
 * What a handler's consumer does with the requests in hand of partitions taken away from it, on
 * its own thread inside the rebalance callback. Those not started yet are left to the
 * partitions' next owner at once. On a revocation (the group moves the partitions, this consumer
 * still a member), the running ones get up to the revoke grace to finish: what finished is
 * committed (with transactions, their transactions committed) before the callback returns, and
 * the rest end as cancelled (context cancelled, {@code onCancel} actions run, thread interrupted,
 * no reply), so that only the next owner answers them. The consumer polls none of its partitions
 * meanwhile, so the grace must stay below {@code max.poll.interval.ms}. On a loss (the group went
 * on without this consumer: the partitions have a new owner already) nothing waits: the running
 * ones end as cancelled at once. Counted, and logged at INFO once per rebalance that found
 * requests in hand.
 */
final class Revocations {

	private static final LogAccessor logger = new LogAccessor(Revocations.class);

	// The Kafka consumer's default.
	private static final long DEFAULT_MAX_POLL_INTERVAL_MS = 300_000;

	// The longest the revoke callback waits for the handler's core to end what it abandons.
	private static final Duration LOOP_ANSWER = Duration.ofSeconds(5);

	private final String handlerId;

	private final RequestsInHand requests;

	private final RequestLanes lanes;

	private final RequestEndings endings;

	private final HandlerFigures figures;

	private final Duration grace;

	private final boolean commits;

	// The owner of the requests' state, or null in queue mode.
	private final @Nullable HandlerCore core;

	/**
	 * @param handlerId the handler's id, for the log
	 * @param parts the handler's pieces
	 * @param grace how long running requests of a revoked partition may still finish
	 * @param commits whether its consumers commit their offsets (else transactions do)
	 */
	Revocations(String handlerId, HandlerParts parts, Duration grace, boolean commits) {
		this.handlerId = handlerId;
		this.requests = parts.requests();
		this.lanes = parts.lanes();
		this.endings = parts.endings();
		this.figures = parts.figures();
		this.grace = grace;
		this.commits = commits;
		this.core = parts.core();
	}

	/**
	 * Check at start-up that the grace fits: the consumer must poll again within
	 * {@code max.poll.interval.ms}, and stop within its container's shutdown timeout.
	 * @param handlerId the handler's id
	 * @param grace the revoke grace
	 * @param container its container's properties
	 * @param consumerConfig its consumers' configuration
	 * @throws IllegalStateException when it does not fit
	 */
	static void checkGrace(String handlerId, Duration grace, ContainerProperties container,
			Map<String, Object> consumerConfig) {
		Object interval = consumerConfig.get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
		long maxPollIntervalMillis = (interval != null) ? Long.parseLong(interval.toString().trim())
				: DEFAULT_MAX_POLL_INTERVAL_MS;
		long shutdownTimeoutMillis = container.getShutdownTimeout();
		if (grace.toMillis() >= maxPollIntervalMillis || grace.toMillis() >= shutdownTimeoutMillis) {
			throw new IllegalStateException("request-reply.handler.revoke-grace (" + grace + ") must be below the "
					+ "max.poll.interval.ms (" + maxPollIntervalMillis + " ms) of the consumers of @ReplyHandler "
					+ handlerId + " and its container's shutdown timeout (" + shutdownTimeoutMillis + " ms): a consumer "
					+ "waiting longer in a rebalance leaves its group, or is not stopped in time; lower the grace or "
					+ "raise those");
		}
	}

	/**
	 * Partitions were revoked: wait for their running requests up to the grace, end the rest,
	 * commit what finished, forget the partitions.
	 */
	void revoked(ConsumerLedgers owner, Collection<TopicPartition> partitions) {
		handOver(owner, partitions, false);
	}

	/**
	 * Partitions were lost: end their requests at once, commit nothing, forget the partitions.
	 */
	void lost(ConsumerLedgers owner, Collection<TopicPartition> partitions) {
		handOver(owner, partitions, true);
	}

	private void handOver(ConsumerLedgers owner, Collection<TopicPartition> partitions, boolean lost) {
		if (this.core != null) {
			// Those it still owns: none for partitions lost just before (spring-kafka then revokes them too).
			Set<TopicPartition> leaving = new HashSet<>(partitions);
			leaving.retainAll(owner.owned());
			handOver(this.core, owner, leaving, lost);
			return;
		}
		// Empty for partitions lost just before (spring-kafka then revokes them too).
		Set<PartitionLedger> leaving = owner.leaving(partitions);
		// First no lane starts a request of theirs any more, then each not started ends (so that
		// none starts after this returns).
		this.lanes.revoked(partitions);
		List<InHandRequest> running = new ArrayList<>();
		int notStarted = 0;
		for (InHandRequest request : this.requests.all()) {
			if (leaving.contains(request.ledger)) {
				if (request.isTaken()) {
					running.add(request);
				}
				else {
					this.endings.abandoned(request);
					notStarted++;
				}
			}
		}
		long startNanos = System.nanoTime();
		if (!lost && !running.isEmpty()) {
			this.requests.awaitLeft(running, startNanos + this.grace.toNanos());
		}
		int finished = 0;
		int cancelled = 0;
		for (InHandRequest request : running) {
			if (!this.requests.all().contains(request)) {
				finished++;
			}
			else if (this.endings.revoked(request)) {
				cancelled++;
			}
			else if (this.commits && !lost) {
				// Its reply is on its way: committed with the partition, as a reply that fails to
				// send would be. With transactions, its transaction decides.
				request.ledger().finish(request.record.offset());
				finished++;
			}
		}
		count(ReplyHandlerStats.Event.REVOKE_FINISHED, finished);
		count(ReplyHandlerStats.Event.REVOKE_CANCELLED, cancelled);
		owner.revoked(partitions, !lost);
		if (!running.isEmpty() || notStarted > 0) {
			log(partitions, lost, finished, cancelled, notStarted, System.nanoTime() - startNanos);
		}
	}

	// Its core decides: told that the partitions go (not started ones leave at once), then, after the
	// grace for a revocation, that they went (what still runs is abandoned, the last commit of each
	// asked for); waits, bounded, for its answer, then carries out that commit here.
	private void handOver(HandlerCore core, ConsumerLedgers owner, Set<TopicPartition> partitions, boolean lost) {
		List<InHandRequest> running = new ArrayList<>();
		int all = 0;
		for (InHandRequest request : this.requests.all()) {
			if (partitions.contains(new TopicPartition(request.record.topic(), request.record.partition()))) {
				all++;
				if (request.isTaken()) {
					running.add(request);
				}
			}
		}
		if (!this.commits) {
			// The generation that ends, for the transactions that still commit before this returns.
			owner.leaving(partitions);
		}
		long startNanos = System.nanoTime();
		if (!lost && all > 0) {
			core.revoking(partitions);
			this.requests.awaitLeft(running, startNanos + this.grace.toNanos());
		}
		int finished = 0;
		for (InHandRequest request : running) {
			if (!this.requests.all().contains(request)) {
				finished++;
			}
		}
		if (!partitions.isEmpty()) {
			try {
				core.takenAway(partitions, lost).get(LOOP_ANSWER.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException | ExecutionException ex) {
				logger.warn(() -> "@ReplyHandler " + this.handlerId + ": its event loop did not answer the "
						+ (lost ? "loss" : "revocation") + " of " + partitions + " within " + LOOP_ANSWER.toSeconds()
						+ " s; its last commit of them is the one asked for before");
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		int cancelled = running.size() - finished;
		count(ReplyHandlerStats.Event.REVOKE_FINISHED, finished);
		count(ReplyHandlerStats.Event.REVOKE_CANCELLED, cancelled);
		owner.revoked(partitions, !lost);
		core.consumers().gone(owner, partitions);
		if (all > 0) {
			log(partitions, lost, finished, cancelled, all - running.size(), System.nanoTime() - startNanos);
		}
	}

	private void count(ReplyHandlerStats.Event event, int times) {
		for (int i = 0; i < times; i++) {
			this.figures.skipped(event);
		}
	}

	private void log(Collection<TopicPartition> partitions, boolean lost, int finished, int cancelled,
			int notStarted, long waitedNanos) {
		if (lost) {
			logger.info(() -> "@ReplyHandler " + this.handlerId + ": partitions " + partitions + " lost (this "
					+ "consumer was dropped from its group) with requests in hand: " + cancelled + " running "
					+ "cancelled and " + notStarted + " not started, all handled again by the partitions' new owner");
			return;
		}
		logger.info(() -> "@ReplyHandler " + this.handlerId + ": partitions " + partitions + " revoked with requests "
				+ "in hand: " + finished + " finished within the revoke grace (waited "
				+ Duration.ofNanos(waitedNanos).toMillis() + " of " + this.grace.toMillis() + " ms) and committed, "
				+ cancelled
				+ " still running cancelled and " + notStarted + " not started, left to the partitions' next owner");
	}

}
