package dev.requestreply.handler;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;

import dev.requestreply.ReplyHandler;
import org.jspecify.annotations.Nullable;

/**
 * One discovered {@link dev.requestreply.ReplyHandler @ReplyHandler} method, with its attributes
 * resolved.
 *
 * @param beanName the name of the bean declaring the method
 * @param bean the bean
 * @param method the handler method, made accessible
 * @param topics the request topics
 * @param groupId the consumer group id, or {@code null} for the default
 * @param concurrency the number of consumer threads, or {@code null} for the default
 * @param payloadType the declared type of the payload parameter
 * @param idempotent whether the handler answers redelivered requests from memory
 * @param ordering the order its requests are handled in
 * @param maxConcurrency the most calls at once, or {@code null} for the default
 * @param maxHandlingTime the longest a request without deadline is in hand, or {@code null} for
 * the default
 * @param queue whether the handler asked for queue mode itself ({@code @ReplyHandler(queue = true)})
 * @param orderingExplicit whether the handler's {@code ordering} was written out (not the default)
 * @param replyOptions how its replies are addressed and what they carry, as the handler sets them
 * (since 0.4.0)
 * @since 0.1.0
 */
public record ReplyHandlerEndpoint(String beanName, Object bean, Method method, List<String> topics,
		@Nullable String groupId, @Nullable Integer concurrency, Type payloadType, boolean idempotent,
		ReplyHandler.Ordering ordering, @Nullable Integer maxConcurrency, @Nullable Duration maxHandlingTime,
		boolean queue, boolean orderingExplicit, ReplyOptions replyOptions) {

	/**
	 * Create an endpoint whose replies are as every handler's.
	 * @param beanName the name of the bean declaring the method
	 * @param bean the bean
	 * @param method the handler method, made accessible
	 * @param topics the request topics
	 * @param groupId the consumer group id, or {@code null} for the default
	 * @param concurrency the number of consumer threads, or {@code null} for the default
	 * @param payloadType the declared type of the payload parameter
	 * @param idempotent whether the handler answers redelivered requests from memory
	 * @param ordering the order its requests are handled in
	 * @param maxConcurrency the most calls at once, or {@code null} for the default
	 * @param maxHandlingTime the longest a request without deadline is in hand, or {@code null}
	 * for the default
	 * @param queue whether the handler asked for queue mode itself
	 * @param orderingExplicit whether the handler's {@code ordering} was written out
	 * @since 0.3.0
	 */
	public ReplyHandlerEndpoint(String beanName, Object bean, Method method, List<String> topics,
			@Nullable String groupId, @Nullable Integer concurrency, Type payloadType, boolean idempotent,
			ReplyHandler.Ordering ordering, @Nullable Integer maxConcurrency, @Nullable Duration maxHandlingTime,
			boolean queue, boolean orderingExplicit) {
		this(beanName, bean, method, topics, groupId, concurrency, payloadType, idempotent, ordering, maxConcurrency,
				maxHandlingTime, queue, orderingExplicit, ReplyOptions.UNSET);
	}

	/**
	 * Create an endpoint of a handler that reads in a consumer group.
	 * @param beanName the name of the bean declaring the method
	 * @param bean the bean
	 * @param method the handler method, made accessible
	 * @param topics the request topics
	 * @param groupId the consumer group id, or {@code null} for the default
	 * @param concurrency the number of consumer threads, or {@code null} for the default
	 * @param payloadType the declared type of the payload parameter
	 * @param idempotent whether the handler answers redelivered requests from memory
	 * @param ordering the order its requests are handled in
	 * @param maxConcurrency the most calls at once, or {@code null} for the default
	 * @param maxHandlingTime the longest a request without deadline is in hand, or {@code null}
	 * for the default
	 * @since 0.3.0
	 */
	public ReplyHandlerEndpoint(String beanName, Object bean, Method method, List<String> topics,
			@Nullable String groupId, @Nullable Integer concurrency, Type payloadType, boolean idempotent,
			ReplyHandler.Ordering ordering, @Nullable Integer maxConcurrency, @Nullable Duration maxHandlingTime) {
		this(beanName, bean, method, topics, groupId, concurrency, payloadType, idempotent, ordering, maxConcurrency,
				maxHandlingTime, false, ordering != ReplyHandler.Ordering.KEY);
	}

	/**
	 * Create an endpoint with the default ordering and limits.
	 * @param beanName the name of the bean declaring the method
	 * @param bean the bean
	 * @param method the handler method, made accessible
	 * @param topics the request topics
	 * @param groupId the consumer group id, or {@code null} for the default
	 * @param concurrency the number of consumer threads, or {@code null} for the default
	 * @param payloadType the declared type of the payload parameter
	 * @param idempotent whether the handler answers redelivered requests from memory
	 * @since 0.2.0
	 */
	public ReplyHandlerEndpoint(String beanName, Object bean, Method method, List<String> topics,
			@Nullable String groupId, @Nullable Integer concurrency, Type payloadType, boolean idempotent) {
		this(beanName, bean, method, topics, groupId, concurrency, payloadType, idempotent,
				ReplyHandler.Ordering.KEY, null, null);
	}

	/**
	 * Create an endpoint of a handler that is not {@code idempotent}, with the default ordering
	 * and limits.
	 * @param beanName the name of the bean declaring the method
	 * @param bean the bean
	 * @param method the handler method, made accessible
	 * @param topics the request topics
	 * @param groupId the consumer group id, or {@code null} for the default
	 * @param concurrency the number of consumer threads, or {@code null} for the default
	 * @param payloadType the declared type of the payload parameter
	 */
	public ReplyHandlerEndpoint(String beanName, Object bean, Method method, List<String> topics,
			@Nullable String groupId, @Nullable Integer concurrency, Type payloadType) {
		this(beanName, bean, method, topics, groupId, concurrency, payloadType, false);
	}

	/**
	 * Return a readable name of the handler: bean name and method name.
	 * @return the handler's name
	 */
	public String id() {
		return this.beanName + "." + this.method.getName();
	}

}
