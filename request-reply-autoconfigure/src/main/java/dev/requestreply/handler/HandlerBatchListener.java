package dev.requestreply.handler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import org.springframework.kafka.listener.BatchAcknowledgingMessageListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.kafka.support.micrometer.KafkaListenerObservation;
import org.springframework.kafka.support.micrometer.KafkaListenerObservation.DefaultKafkaListenerObservationConvention;
import org.springframework.kafka.support.micrometer.KafkaRecordReceiverContext;

/**
 * Hands the requests of each poll to the handler in one pass, and acknowledges the poll once every
 * one of its requests is done with (its reply sent, or known that none can be); the polls of one
 * consumer are acknowledged in the order they came, so an offset is committed only once every
 * request before it was answered.
 * <p>
 * A record listener with out-of-order acknowledgments would pause the consumer after every poll
 * until the poll's replies were sent, so that fetching and replying alternate; here the consumer
 * fetches the next requests while the replies of the last ones are on their way. What bounds the
 * requests in hand is a limit per consumer: past it (slow asynchronous handlers, long streams) its
 * partitions are paused until half of them are done with.
 */
final class HandlerBatchListener implements BatchAcknowledgingMessageListener<byte[], byte[]> {

	/**
	 * Default number of requests one consumer may have in hand before its partitions are paused.
	 */
	static final int MAX_IN_HAND = 1000;

	private final ReplyHandlerListener handler;

	private final int maxInHand;

	private final boolean batchReplies;

	// Each consumer of the container polls on a thread of its own.
	private final ThreadLocal<Polls> polls = ThreadLocal.withInitial(Polls::new);

	private volatile ConcurrentMessageListenerContainer<byte[], byte[]> container;

	private final ObservationRegistry observationRegistry;

	private final String groupId;

	/**
	 * Create a listener.
	 * @param handler the handler of each request
	 * @param maxInHand the requests one consumer may have in hand before it pauses
	 * @param batchReplies whether the replies made while a poll is handed out are sent together
	 * @param observationRegistry the registry each record is observed with (as spring-kafka's
	 * record listeners are: the handler runs in the record's observation, a tracer continues the
	 * requester's trace), or the no-op registry
	 * @param groupId the consumer group, for the observations
	 */
	HandlerBatchListener(ReplyHandlerListener handler, int maxInHand, boolean batchReplies,
			ObservationRegistry observationRegistry, String groupId) {
		this.handler = handler;
		this.maxInHand = maxInHand;
		this.batchReplies = batchReplies;
		this.observationRegistry = observationRegistry;
		this.groupId = groupId;
	}

	/**
	 * Set the container this listener serves, whose partitions it pauses when too many requests
	 * are in hand.
	 */
	void setContainer(ConcurrentMessageListenerContainer<byte[], byte[]> container) {
		this.container = container;
	}

	@Override
	public void onMessage(List<ConsumerRecord<byte[], byte[]>> records, Acknowledgment acknowledgment) {
		Polls polls = this.polls.get();
		Poll poll = polls.add(records.size(), acknowledgment);
		boolean observed = !this.observationRegistry.isNoop();
		// An observed record's reply is sent within its observation, so never held.
		boolean burst = this.batchReplies && !observed;
		if (burst) {
			ReplyBurst.begin();
		}
		try {
			for (ConsumerRecord<byte[], byte[]> record : records) {
				if (observed) {
					observe(record, poll.request());
				}
				else {
					this.handler.onRequest(record, poll.request());
				}
			}
		}
		finally {
			if (burst) {
				ReplyBurst.flush();
			}
		}
		poll.run();
		if (polls.inHand.get() > this.maxInHand) {
			polls.pause(records.get(0));
		}
	}

	// As a record listener's container observes a record: around the listener's call.
	private void observe(ConsumerRecord<byte[], byte[]> record, Runnable done) {
		ConcurrentMessageListenerContainer<byte[], byte[]> parent = this.container;
		String listenerId = (parent != null) ? parent.getListenerId() : null;
		Observation observation = KafkaListenerObservation.LISTENER_OBSERVATION.observation(null,
				DefaultKafkaListenerObservationConvention.INSTANCE,
				() -> new KafkaRecordReceiverContext(record, listenerId, null, this.groupId, () -> null),
				this.observationRegistry);
		observation.observe(() -> this.handler.onRequest(record, done));
	}

	/**
	 * The polls of one consumer not yet acknowledged, in order, and its requests in hand.
	 */
	private final class Polls {

		private final ArrayDeque<Poll> unacknowledged = new ArrayDeque<>();

		private final AtomicInteger inHand = new AtomicInteger();

		private volatile boolean pausing;

		private KafkaMessageListenerContainer<byte[], byte[]> pausedContainer;

		private Collection<TopicPartition> paused = List.of();

		synchronized Poll add(int records, Acknowledgment acknowledgment) {
			Poll poll = new Poll(this, records, acknowledgment);
			this.unacknowledged.add(poll);
			this.inHand.addAndGet(records);
			return poll;
		}

		void requestDone() {
			if (this.inHand.decrementAndGet() <= HandlerBatchListener.this.maxInHand / 2 && this.pausing) {
				resume();
			}
		}

		// Acknowledge, in order, every poll done with up to the first that is not.
		synchronized void pollDone(Poll poll) {
			poll.complete = true;
			while (!this.unacknowledged.isEmpty() && this.unacknowledged.peek().complete) {
				this.unacknowledged.poll().acknowledgment.acknowledge();
			}
		}

		// On the consumer's thread, while the records came from its partitions.
		synchronized void pause(ConsumerRecord<?, ?> record) {
			ConcurrentMessageListenerContainer<byte[], byte[]> parent = HandlerBatchListener.this.container;
			if (parent == null || this.pausedContainer != null) {
				return;
			}
			TopicPartition partition = new TopicPartition(record.topic(), record.partition());
			for (KafkaMessageListenerContainer<byte[], byte[]> child : parent.getContainers()) {
				Collection<TopicPartition> assigned = child.getAssignedPartitions();
				if (assigned != null && assigned.contains(partition)) {
					this.pausedContainer = child;
					this.paused = new ArrayList<>(assigned);
					this.paused.forEach(child::pausePartition);
					this.pausing = true;
					if (this.inHand.get() <= HandlerBatchListener.this.maxInHand / 2) {
						// The requests ended meanwhile, and none saw the pause.
						resume();
					}
					return;
				}
			}
		}

		synchronized void resume() {
			if (this.pausedContainer != null) {
				// Wakes the consumer up, so that it fetches again at once.
				this.paused.forEach(this.pausedContainer::resumePartition);
				this.pausedContainer = null;
				this.paused = List.of();
				this.pausing = false;
			}
		}

	}

	/**
	 * One poll's records: done with once each of its requests is, and once all were handed to the
	 * handler (the poll itself counts as one, run last by the consumer).
	 */
	private static final class Poll implements Runnable {

		private final Polls polls;

		private final AtomicInteger remaining;

		private final Acknowledgment acknowledgment;

		// Guarded by polls.
		private boolean complete;

		Poll(Polls polls, int records, Acknowledgment acknowledgment) {
			this.polls = polls;
			this.remaining = new AtomicInteger(records + 1);
			this.acknowledgment = acknowledgment;
		}

		// Run once for each request done with, and once by the consumer after handing them out.
		private void done() {
			if (this.remaining.decrementAndGet() == 0) {
				this.polls.pollDone(this);
			}
		}

		@Override
		public void run() {
			done();
		}

		Runnable request() {
			return () -> {
				this.polls.requestDone();
				done();
			};
		}

	}

}
