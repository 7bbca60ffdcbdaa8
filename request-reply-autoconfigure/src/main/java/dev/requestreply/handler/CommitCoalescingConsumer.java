package dev.requestreply.handler;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;

/**
 * Wraps a handler's consumer so that at most one asynchronous offset commit is in flight, and at
 * most one starts per interval: the offsets of commits asked for meanwhile are merged (the latest
 * per partition) and committed at the first poll after both allow it.
 * <p>
 * A listener container with manual acknowledgments commits after every poll that brought
 * acknowledgments. Each commit waits on the broker for {@code group.coordinator.append.linger.ms}
 * (5 ms on Kafka 4), so under load the commits of a busy handler pile up on the coordinator
 * connection, load the broker and end in "Failed to send request after 30000 ms" errors. One in
 * flight adapts the commit rate to the broker's instead, and the interval bounds it (each commit
 * also costs the broker CPU): a request is still committed only after its reply was sent, so a
 * crash re-delivers at most an interval's worth of answered requests. A synchronous commit or close first
 * commits the merged offsets, so offsets are always committed in order; merged offsets of
 * partitions no longer assigned are dropped. Like the consumer itself, used by its polling thread
 * only ({@code wakeup()} passes straight through).
 */
final class CommitCoalescingConsumer implements InvocationHandler {

	private final Consumer<?, ?> delegate;

	private final long intervalNanos;

	private boolean inFlight;

	private Map<TopicPartition, OffsetAndMetadata> waiting;

	private OffsetCommitCallback waitingCallback;

	private long lastCommitNanos;

	private CommitCoalescingConsumer(Consumer<?, ?> delegate, long intervalNanos) {
		this.delegate = delegate;
		this.intervalNanos = intervalNanos;
		this.lastCommitNanos = System.nanoTime() - intervalNanos;
	}

	/**
	 * Wrap a consumer.
	 * @param <K> the key type
	 * @param <V> the value type
	 * @param consumer the consumer
	 * @param interval the least time between two asynchronous commits
	 * @return the consumer, committing asynchronously one commit at a time, at most once per
	 * interval
	 */
	@SuppressWarnings("unchecked")
	static <K, V> Consumer<K, V> wrap(Consumer<K, V> consumer, Duration interval) {
		return (Consumer<K, V>) Proxy.newProxyInstance(CommitCoalescingConsumer.class.getClassLoader(),
				new Class<?>[] { Consumer.class }, new CommitCoalescingConsumer(consumer, interval.toNanos()));
	}

	@Override
	@SuppressWarnings("unchecked")
	public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
		String name = method.getName();
		if (name.equals("commitAsync") && args != null && args.length == 2 && args[0] instanceof Map) {
			commitAsync((Map<TopicPartition, OffsetAndMetadata>) args[0], (OffsetCommitCallback) args[1]);
			return null;
		}
		if (name.equals("poll")) {
			commitWaitingIfDue();
		}
		else if (name.equals("commitSync")) {
			commitWaiting();
		}
		else if (name.equals("close")) {
			try {
				commitWaiting();
			}
			catch (RuntimeException ex) {
				// closing anyway: the requests are redelivered, as after any failed commit
			}
		}
		if (method.getDeclaringClass() == Object.class) {
			return switch (name) {
				case "equals" -> proxy == args[0];
				case "hashCode" -> System.identityHashCode(proxy);
				case "toString" -> "CommitCoalescing[" + this.delegate + "]";
				default -> method.invoke(this.delegate, args);
			};
		}
		try {
			return method.invoke(this.delegate, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	private void commitWaitingIfDue() {
		if (this.waiting != null && !this.inFlight && System.nanoTime() - this.lastCommitNanos >= this.intervalNanos) {
			Map<TopicPartition, OffsetAndMetadata> next = this.waiting;
			this.waiting = null;
			next.keySet().retainAll(this.delegate.assignment());
			if (!next.isEmpty()) {
				commitAsync(next, this.waitingCallback);
			}
		}
	}

	private void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
		if (this.inFlight || System.nanoTime() - this.lastCommitNanos < this.intervalNanos) {
			if (this.waiting == null) {
				this.waiting = new HashMap<>();
			}
			this.waiting.putAll(offsets);
			this.waitingCallback = callback;
			return;
		}
		this.inFlight = true;
		this.lastCommitNanos = System.nanoTime();
		this.delegate.commitAsync(offsets, (committed, ex) -> {
			this.inFlight = false;
			if (callback != null) {
				callback.onComplete(committed, ex);
			}
		});
	}

	private void commitWaiting() {
		Map<TopicPartition, OffsetAndMetadata> next = this.waiting;
		if (next != null) {
			this.waiting = null;
			this.delegate.commitSync(next);
		}
	}

}
