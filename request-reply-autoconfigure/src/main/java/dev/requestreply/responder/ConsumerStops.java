package dev.requestreply.responder;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.Consumer;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.kafka.event.ConsumerStartingEvent;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.kafka.event.ConsumerStoppedEvent.Reason;
import org.springframework.kafka.event.ConsumerStoppingEvent;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * The event publisher of a handler's listener container: tells the engine of each consumer that
 * stopped for good (its container stopped, to be started again with new consumers, or not), once
 * it has left its group (and so committed on the revocation of its partitions), and passes every
 * event on to the publisher the container had (the authorization monitor, or one a customizer
 * set). Without it, what the engine keeps per consumer would stay for good with each restart.
 * It also keeps why a consumer stopped on its own (fenced, say), until it starts again, for the
 * health indicator.
 */
final class ConsumerStops implements ApplicationEventPublisher {

	private final ConcurrentMessageListenerContainer<?, ?> container;

	private final java.util.function.Consumer<Consumer<?, ?>> stopped;

	private final @Nullable ApplicationEventPublisher next;

	// The consumer of each child container stopping, until it stopped.
	private final Map<Object, Consumer<?, ?>> stopping = new ConcurrentHashMap<>();

	// Why each child container that stopped on its own did, until it starts again.
	private final Map<Object, Reason> abnormal = new ConcurrentHashMap<>();

	/**
	 * @param container the container whose consumers are watched
	 * @param stopped told of each consumer that stopped (on its thread): the container's pump
	 * @param next the publisher to pass events on to, or {@code null}
	 */
	ConsumerStops(ConcurrentMessageListenerContainer<?, ?> container,
			java.util.function.Consumer<Consumer<?, ?>> stopped, @Nullable ApplicationEventPublisher next) {
		this.container = container;
		this.stopped = stopped;
		this.next = next;
	}

	/**
	 * Return why consumers of the container stopped on their own and did not start again, in
	 * words, or {@code null} when none did.
	 */
	@Nullable String abnormalStop() {
		if (this.abnormal.isEmpty()) {
			return null;
		}
		if (this.abnormal.containsValue(Reason.FENCED)) {
			return "a consumer was fenced (FencedInstanceIdException): another member joined with its "
					+ "group.instance.id; request-reply.handler.group-instance-id must be unique per instance";
		}
		return "consumer(s) stopped: " + this.abnormal.values().stream().distinct().toList();
	}

	// A restarted container has new consumers (child containers): the old ones are forgotten.
	private void started(ConsumerStartingEvent event) {
		this.abnormal.remove(event.getSource());
		this.abnormal.keySet().retainAll(this.container.getContainers());
	}

	@Override
	public void publishEvent(Object event) {
		if (event instanceof ConsumerStartingEvent startingEvent) {
			started(startingEvent);
		}
		else if (event instanceof ConsumerStoppingEvent stoppingEvent) {
			this.stopping.put(stoppingEvent.getSource(), stoppingEvent.getConsumer());
		}
		else if (event instanceof ConsumerStoppedEvent stoppedEvent) {
			Consumer<?, ?> consumer = this.stopping.remove(stoppedEvent.getSource());
			if (consumer != null) {
				this.stopped.accept(consumer);
			}
			if (stoppedEvent.getReason() == Reason.NORMAL) {
				this.abnormal.remove(stoppedEvent.getSource());
			}
			else {
				this.abnormal.put(stoppedEvent.getSource(), stoppedEvent.getReason());
			}
		}
		if (this.next != null) {
			this.next.publishEvent(event);
		}
	}

}
