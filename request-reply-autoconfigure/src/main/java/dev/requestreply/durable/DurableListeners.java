package dev.requestreply.durable;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import dev.requestreply.DurableOutcome;
import dev.requestreply.DurableReplyListener;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * Finds the {@link DurableReplyListener @DurableReplyListener} methods of the application's
 * beans, one per kind: a second method of a kind fails start-up, as does a method whose
 * {@code DurableOutcome<T>} has a raw, wildcard or type-variable {@code T}, or any listener while
 * {@code spring.application.name} is unset (the durable topics and consumer group are named after
 * it, so that every instance of the application shares them).
 *
 * @since 0.4.0
 */
public class DurableListeners implements BeanPostProcessor, EnvironmentAware {

	private final Set<Class<?>> classesWithoutListeners = ConcurrentHashMap.newKeySet();

	private final Map<String, DurableListenerMethod> byKind = new ConcurrentHashMap<>();

	private @Nullable Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (this.classesWithoutListeners.contains(targetClass)) {
			return bean;
		}
		Map<Method, DurableReplyListener> listeners = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<DurableReplyListener>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, DurableReplyListener.class));
		if (listeners.isEmpty()) {
			this.classesWithoutListeners.add(targetClass);
			return bean;
		}
		listeners.forEach((method, annotation) -> add(listener(bean, beanName, method, annotation)));
		return bean;
	}

	private void add(DurableListenerMethod listener) {
		DurableListenerMethod other = this.byKind.putIfAbsent(listener.kind(), listener);
		if (other != null) {
			throw new BeanInitializationException("@DurableReplyListener methods '" + other.id() + "' and '"
					+ listener.id() + "' take the same kind '" + listener.kind()
					+ "': each kind has one listener in an application");
		}
	}

	private DurableListenerMethod listener(Object bean, String beanName, Method method,
			DurableReplyListener annotation) {
		String id = beanName + "." + method.getName();
		String applicationName = (this.environment != null)
				? this.environment.getProperty("spring.application.name") : null;
		if (!StringUtils.hasText(applicationName)) {
			throw new BeanInitializationException("@DurableReplyListener method '" + id
					+ "' needs spring.application.name: the instances of an application share its durable topics "
					+ "and consumer group, named after it");
		}
		String kind = (this.environment != null) ? this.environment.resolvePlaceholders(annotation.value())
				: annotation.value();
		if (!StringUtils.hasText(kind)) {
			throw new BeanInitializationException("@DurableReplyListener method '" + id + "' names no kind");
		}
		Type replyType = replyType(id, method);
		Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		ReflectionUtils.makeAccessible(invocable);
		return new DurableListenerMethod(id, kind.trim(), bean, invocable, replyType);
	}

	private static Type replyType(String id, Method method) {
		String expected = "@DurableReplyListener method '" + id
				+ "' must take one parameter, a DurableOutcome<T> with T a concrete type (such as DurableOutcome<Report>)";
		if (method.getParameterCount() != 1) {
			throw new BeanInitializationException(expected + ", not " + method.getParameterCount() + " parameters");
		}
		ResolvableType parameter = ResolvableType.forMethodParameter(method, 0);
		if (parameter.resolve() != DurableOutcome.class) {
			throw new BeanInitializationException(expected + ", not " + parameter);
		}
		ResolvableType reply = parameter.getGeneric(0);
		Type type = reply.getType();
		if (reply == ResolvableType.NONE || !parameter.hasGenerics() || type instanceof WildcardType
				|| type instanceof TypeVariable<?> || reply.hasUnresolvableGenerics()) {
			throw new BeanInitializationException(expected + ", not " + parameter
					+ ": the reply type is read from the declared type, never from a header");
		}
		return type;
	}

	/**
	 * Return the kinds that this application's listeners take.
	 * @return the kinds, sorted
	 */
	public Set<String> kinds() {
		return new TreeSet<>(this.byKind.keySet());
	}

	@Nullable DurableListenerMethod listener(String kind) {
		return this.byKind.get(kind);
	}

}
