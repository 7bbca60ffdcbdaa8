package dev.requestreply.responder;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerEndpoint;
import dev.requestreply.handler.ReplyHandlerExecution;
import dev.requestreply.handler.ReplyHandlerOutcomeListener;
import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.support.SupervisedLoop;

import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * The handlers as the health indicator sees them: running, with the given containers, reasons
 * their consumers stopped and lags of their event loops.
 *
 * @param containers the containers
 * @param stopReasons why their consumers stopped, by container name
 * @param lags the lag of each handler's event loop
 */
record HealthHandlers(List<ConcurrentMessageListenerContainer<byte[], byte[]>> containers,
		Supplier<Map<String, String>> stopReasons, Map<String, Duration> lags) implements ReplyHandlerContainers {

	@Override
	public boolean isRunning() {
		return true;
	}

	@Override
	public List<ReplyHandlerEndpoint> getEndpoints() {
		return List.of();
	}

	@Override
	public String groupId(ReplyHandlerEndpoint endpoint) {
		return "pricing";
	}

	@Override
	public Map<String, ReplyHandlerStats> getStats() {
		return Map.of();
	}

	@Override
	public Map<String, ReplyHandlerExecution> getExecution() {
		return Map.of();
	}

	@Override
	public List<SupervisedLoop.Status> getBackgroundLoops() {
		return List.of();
	}

	@Override
	public Map<String, String> getStopReasons() {
		return this.stopReasons.get();
	}

	@Override
	public Map<String, Duration> getLoopLags() {
		return this.lags;
	}

	@Override
	public List<ConcurrentMessageListenerContainer<byte[], byte[]>> getContainers() {
		return this.containers;
	}

	@Override
	public void addOutcomeListener(ReplyHandlerOutcomeListener listener) {
	}

}
