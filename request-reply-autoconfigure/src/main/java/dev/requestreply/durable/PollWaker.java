package dev.requestreply.durable;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.jspecify.annotations.Nullable;

/**
 * Wakes the pending reader from its poll when another thread posts it an event (a reply to hand
 * on, an outcome that ended), so that the event waits for no poll timeout; at most once per poll,
 * so that a steady stream of events never keeps the poll from returning records. A wake-up that
 * comes as the poll returns reaches the reader's next blocking call of its consumer instead, as a
 * {@link org.apache.kafka.common.errors.WakeupException} that the reader takes as a turn of its
 * loop ended early.
 */
final class PollWaker {

	private final AtomicBoolean polling = new AtomicBoolean();

	private volatile @Nullable Consumer<?, ?> consumer;

	/**
	 * Set the consumer to wake, or {@code null} once it is closed.
	 * @param consumer the pending reader's consumer
	 */
	void attach(@Nullable Consumer<?, ?> consumer) {
		this.consumer = consumer;
	}

	/**
	 * Poll the consumer, to be woken meanwhile.
	 * @param consumer the pending reader's consumer
	 * @param timeout how long to wait for records when nobody wakes it
	 * @return the records
	 */
	<K, V> ConsumerRecords<K, V> poll(Consumer<K, V> consumer, Duration timeout) {
		this.polling.set(true);
		try {
			return consumer.poll(timeout);
		}
		finally {
			this.polling.set(false);
		}
	}

	/**
	 * Wake the consumer from its poll, if it polls and was not woken from this poll yet.
	 */
	void wake() {
		Consumer<?, ?> current = this.consumer;
		if (current != null && this.polling.compareAndSet(true, false)) {
			current.wakeup();
		}
	}

}
