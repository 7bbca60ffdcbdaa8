package dev.requestreply.responder;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.Consumer;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.kafka.event.ConsumerStoppingEvent;

/**
 * The event publisher of a handler's listener container: tells the engine of each consumer that
 * stopped for good (its container stopped, to be started again with new consumers, or not), once
 * it has left its group (and so committed on the revocation of its partitions), and passes every
 * event on to the publisher the container had (the authorization monitor, or one a customizer
 * set). Without it, what the engine keeps per consumer would stay for good with each restart.
 */
final class ConsumerStops implements ApplicationEventPublisher {

	private final RequestPump pump;

	private final @Nullable ApplicationEventPublisher next;

	// The consumer of each child container stopping, until it stopped.
	private final Map<Object, Consumer<?, ?>> stopping = new ConcurrentHashMap<>();

	/**
	 * @param pump the pump of the container, told of each consumer that stopped (on its thread)
	 * @param next the publisher to pass events on to, or {@code null}
	 */
	ConsumerStops(RequestPump pump, @Nullable ApplicationEventPublisher next) {
		this.pump = pump;
		this.next = next;
	}

	@Override
	public void publishEvent(Object event) {
		if (event instanceof ConsumerStoppingEvent stoppingEvent) {
			this.stopping.put(stoppingEvent.getSource(), stoppingEvent.getConsumer());
		}
		else if (event instanceof ConsumerStoppedEvent stoppedEvent) {
			Consumer<?, ?> consumer = this.stopping.remove(stoppedEvent.getSource());
			if (consumer != null) {
				this.pump.stopped(consumer);
			}
		}
		if (this.next != null) {
			this.next.publishEvent(event);
		}
	}

}
