package dev.requestreply.handler;

import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * Callback to customize the listener container of each
 * {@link dev.requestreply.ReplyHandler @ReplyHandler} method before it starts (for example an
 * error handler, an idle event interval, or container properties). Declare it as a bean; every
 * one applies, in order. The container's message listener and rebalance listener are the responder
 * engine's and must stay (start-up fails otherwise); a batch interceptor set here runs after the
 * engine's.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface ReplyHandlerContainerCustomizer {

	/**
	 * Customize the container of one handler.
	 * @param container the container, not started yet
	 * @param endpoint the handler it serves
	 */
	void customize(ConcurrentMessageListenerContainer<byte[], byte[]> container, ReplyHandlerEndpoint endpoint);

}
