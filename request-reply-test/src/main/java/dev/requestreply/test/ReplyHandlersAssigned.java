package dev.requestreply.test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.requestreply.handler.ReplyHandlerContainers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Holds the context's start until every {@code @ReplyHandler} container has partitions, so that
 * a test's first request does not wait for the first rebalance of a handler group.
 */
final class ReplyHandlersAssigned implements SmartLifecycle {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ObjectProvider<ReplyHandlerContainers> containers;

	private volatile boolean running;

	ReplyHandlersAssigned(ObjectProvider<ReplyHandlerContainers> containers) {
		this.containers = containers;
	}

	@Override
	public void start() {
		ReplyHandlerContainers handlers = this.containers.getIfAvailable();
		if (handlers != null && handlers.isRunning()) {
			awaitAssignment(handlers.getContainers());
		}
		this.running = true;
	}

	private static void awaitAssignment(List<? extends MessageListenerContainer> containers) {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		for (MessageListenerContainer container : containers) {
			while (container.isRunning() && isEmpty(container)) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("@ReplyHandler container '" + container.getListenerId()
							+ "' got no partitions within " + TIMEOUT.toSeconds() + " s");
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
			}
		}
	}

	private static boolean isEmpty(MessageListenerContainer container) {
		return container.getAssignedPartitions() == null || container.getAssignedPartitions().isEmpty();
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// After the handler containers have started.
		return ReplyHandlerContainers.PHASE + 1;
	}

}
