package dev.requestreply.test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.requestreply.DurableOutcome;
import dev.requestreply.DurableReplyListener;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The {@link DurableReplyListener @DurableReplyListener} methods of a bean, found and checked as
 * the application's start-up does, for a {@link StubDurableRequests}.
 */
final class StubDurableListeners {

	private StubDurableListeners() {
	}

	/**
	 * Return the listeners of a bean, each with its kind.
	 * @throws IllegalArgumentException when the bean has none, or one whose parameter is not a
	 * {@code DurableOutcome<T>} with a resolvable {@code T}
	 */
	static List<Listener> of(Object bean) {
		Class<?> type = ClassUtils.getUserClass(bean);
		Map<Method, DurableReplyListener> methods = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<DurableReplyListener>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, DurableReplyListener.class));
		if (methods.isEmpty()) {
			throw new IllegalArgumentException(type.getName() + " has no @DurableReplyListener method");
		}
		return methods.entrySet()
			.stream()
			.map((entry) -> listener(bean, entry.getKey(), entry.getValue().value()))
			.toList();
	}

	private static Listener listener(Object bean, Method method, String kind) {
		String name = method.getDeclaringClass().getSimpleName() + "." + method.getName();
		if (method.getParameterCount() != 1 || method.getParameterTypes()[0] != DurableOutcome.class) {
			throw new IllegalArgumentException("@DurableReplyListener method " + name
					+ " must take one parameter, a DurableOutcome<T>");
		}
		Type replyType = ResolvableType.forMethodParameter(method, 0).getGeneric(0).getType();
		if (replyType instanceof TypeVariable<?> || replyType instanceof WildcardType
				|| ResolvableType.forType(replyType).hasUnresolvableGenerics()) {
			throw new IllegalArgumentException("@DurableReplyListener method " + name
					+ " must name its reply type in DurableOutcome<T>, not " + replyType.getTypeName());
		}
		Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		ReflectionUtils.makeAccessible(invocable);
		return new Listener(kind, name, replyType, (outcome) -> invoke(invocable, bean, outcome));
	}

	private static void invoke(Method method, Object bean, DurableOutcome<?> outcome) {
		try {
			method.invoke(bean, outcome);
		}
		catch (InvocationTargetException ex) {
			ReflectionUtils.rethrowRuntimeException(ex.getTargetException());
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A listener of the outcomes of one kind.
	 *
	 * @param kind the kind
	 * @param name what it is, for messages
	 * @param replyType the type replies are converted to
	 * @param call what takes the outcome
	 */
	record Listener(String kind, String name, Type replyType, Consumer<DurableOutcome<?>> call) {
	}

}
