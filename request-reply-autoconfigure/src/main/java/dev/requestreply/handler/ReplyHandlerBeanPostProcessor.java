package dev.requestreply.handler;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.requestreply.ReplyHandler;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * Finds the {@link ReplyHandler @ReplyHandler} methods of every bean and records them as
 * {@link ReplyHandlerEndpoint endpoints}; {@link ReplyHandlerContainers} serves them. A misconfigured handler fails start-up with a message naming its bean and method.
 *
 * @since 0.1.0
 */
public class ReplyHandlerBeanPostProcessor implements BeanPostProcessor, BeanFactoryAware {

	private final Set<Class<?>> classesWithoutHandlers = ConcurrentHashMap.newKeySet();

	private final List<ReplyHandlerEndpoint> endpoints = Collections.synchronizedList(new ArrayList<>());

	private @Nullable ConfigurableBeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		if (beanFactory instanceof ConfigurableBeanFactory configurable) {
			this.beanFactory = configurable;
		}
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (this.classesWithoutHandlers.contains(targetClass)) {
			return bean;
		}
		Map<Method, ReplyHandler> handlers = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<ReplyHandler>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, ReplyHandler.class));
		if (handlers.isEmpty()) {
			this.classesWithoutHandlers.add(targetClass);
			return bean;
		}
		handlers.forEach((method, annotation) -> this.endpoints.add(endpoint(bean, beanName, method, annotation)));
		return bean;
	}

	private ReplyHandlerEndpoint endpoint(Object bean, String beanName, Method method, ReplyHandler annotation) {
		String id = beanName + "." + method.getName();
		HandlerArguments arguments;
		try {
			arguments = HandlerArguments.of(method);
		}
		catch (IllegalArgumentException ex) {
			throw new BeanInitializationException("@ReplyHandler method '" + id + "' is misconfigured: "
					+ ex.getMessage());
		}
		List<String> topics = Arrays.stream(annotation.topics())
			.map(this::resolve)
			.filter(StringUtils::hasText)
			.map(String::trim)
			.toList();
		if (topics.isEmpty()) {
			throw new BeanInitializationException("@ReplyHandler method '" + id + "' names no topic");
		}
		String groupId = StringUtils.hasText(annotation.groupId()) ? resolve(annotation.groupId()) : null;
		Integer concurrency = positive(id, "concurrency", annotation.concurrency());
		Integer maxConcurrency = positive(id, "maxConcurrency", annotation.maxConcurrency());
		Duration maxHandlingTime = duration(id, annotation.maxHandlingTime());
		Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		ReflectionUtils.makeAccessible(invocable);
		boolean orderingExplicit = orderingExplicit(method, annotation);
		if (annotation.queue() && orderingExplicit && annotation.ordering() != ReplyHandler.Ordering.NONE) {
			throw new BeanInitializationException(queueOrderingMessage(id, annotation.ordering()));
		}
		return new ReplyHandlerEndpoint(beanName, bean, invocable, topics, groupId, concurrency,
				arguments.payloadType(), annotation.idempotent(), annotation.ordering(), maxConcurrency,
				maxHandlingTime, annotation.queue(), orderingExplicit,
				new ReplyOptions(bool(id, "responderHeaders", annotation.responderHeaders()),
						text(annotation.correlationIdHeader()), text(annotation.replyTopicHeader()),
						text(annotation.replyPartitionHeader()), text(annotation.replyTopic())));
	}

	/**
	 * Return the message of a handler in queue mode that asks for an ordering.
	 * @param id the handler's id
	 * @param ordering the ordering it names
	 * @return the message
	 */
	public static String queueOrderingMessage(String id, ReplyHandler.Ordering ordering) {
		return "@ReplyHandler method '" + id + "' runs in queue mode (a Kafka share group) and names ordering = "
				+ ordering + ", but share groups order nothing: any instance may take any request of a partition. "
				+ "Remove the ordering (queue mode runs requests as with ordering = NONE), or read in a consumer "
				+ "group (queue = false, and request-reply.handler.queue=false)";
	}

	private static boolean orderingExplicit(Method method, ReplyHandler annotation) {
		// Reflection answers KEY, the default, whether it is written out or not.
		Boolean declared = (annotation.ordering() == ReplyHandler.Ordering.KEY)
				? DeclaredAttributes.declared(method, ReplyHandler.class, "ordering") : null;
		return (declared != null) ? declared : annotation.ordering() != ReplyHandler.Ordering.KEY;
	}

	private @Nullable Integer positive(String id, String attribute, String text) {
		if (!StringUtils.hasText(text)) {
			return null;
		}
		String value = resolve(text);
		if (!StringUtils.hasText(value)) {
			return null;
		}
		int number;
		try {
			number = Integer.parseInt(value.trim());
		}
		catch (NumberFormatException ex) {
			throw new BeanInitializationException(
					"@ReplyHandler method '" + id + "' has a " + attribute + " that is no number: '" + value + "'", ex);
		}
		if (number < 1) {
			throw new BeanInitializationException(
					"@ReplyHandler method '" + id + "' must have a " + attribute + " of at least 1, not " + number);
		}
		return number;
	}

	private @Nullable String text(String text) {
		String value = StringUtils.hasText(text) ? resolve(text) : null;
		return StringUtils.hasText(value) ? value.trim() : null;
	}

	private @Nullable Boolean bool(String id, String attribute, String text) {
		String value = StringUtils.hasText(text) ? resolve(text) : null;
		if (!StringUtils.hasText(value)) {
			return null;
		}
		return switch (value.trim().toLowerCase(Locale.ROOT)) {
			case "true" -> true;
			case "false" -> false;
			default -> throw new BeanInitializationException("@ReplyHandler method '" + id + "' has a " + attribute
					+ " that is neither true nor false: '" + value + "'");
		};
	}

	private @Nullable Duration duration(String id, String text) {
		if (!StringUtils.hasText(text)) {
			return null;
		}
		String resolved = resolve(text);
		if (!StringUtils.hasText(resolved)) {
			return null;
		}
		String value = resolved.trim();
		Duration duration;
		try {
			duration = DurationStyle.detectAndParse(value);
		}
		catch (IllegalArgumentException ex) {
			throw new BeanInitializationException("@ReplyHandler method '" + id
					+ "' has a maxHandlingTime that is no duration (such as 30s or PT30S): '" + value + "'", ex);
		}
		if (duration.isNegative() || duration.isZero()) {
			throw new BeanInitializationException(
					"@ReplyHandler method '" + id + "' must have a positive maxHandlingTime, not " + value);
		}
		return duration;
	}

	private @Nullable String resolve(String value) {
		return (this.beanFactory != null) ? this.beanFactory.resolveEmbeddedValue(value) : value;
	}

	/**
	 * Return the handler methods found so far.
	 * @return the endpoints
	 */
	public List<ReplyHandlerEndpoint> getEndpoints() {
		synchronized (this.endpoints) {
			return List.copyOf(this.endpoints);
		}
	}

}
