package dev.requestreply.handler;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;

import org.springframework.core.KotlinDetector;
import org.springframework.util.ClassUtils;

/**
 * Tells the handler methods that need Kotlin's coroutines (a {@code suspend} function, or one
 * that returns a {@code kotlinx.coroutines.flow.Flow}) and creates their calls. Every check works
 * without Kotlin on the class path; the Kotlin side ({@code CoroutineHandlerCall}) is loaded only
 * for such a method.
 */
final class CoroutineHandlers {

	private static final String FLOW = "kotlinx.coroutines.flow.Flow";

	private static final String COROUTINES = "kotlinx.coroutines.CoroutineScope";

	private static final String PUBLISHERS = "kotlinx.coroutines.jdk9.ReactiveFlowKt";

	private CoroutineHandlers() {
	}

	/**
	 * Return whether a method is a Kotlin {@code suspend} function: its last parameter, the
	 * continuation, is none of the handler's.
	 */
	static boolean isSuspending(Method method) {
		return KotlinDetector.isSuspendingFunction(method);
	}

	/**
	 * Return whether a handler method needs the coroutine support.
	 */
	static boolean needed(Method method) {
		return isSuspending(method) || returnsFlow(method);
	}

	/**
	 * Check that what a method needs is on the class path.
	 * @throws IllegalArgumentException naming the library missing
	 */
	static void check(Method method) {
		if (!needed(method)) {
			return;
		}
		ClassLoader classLoader = method.getDeclaringClass().getClassLoader();
		if (!ClassUtils.isPresent(COROUTINES, classLoader)) {
			throw new IllegalArgumentException("it is a suspend function or returns a Flow, which needs "
					+ "org.jetbrains.kotlinx:kotlinx-coroutines-core on the class path");
		}
		if (returnsFlow(method) && !ClassUtils.isPresent(PUBLISHERS, classLoader)) {
			throw new IllegalArgumentException("it returns a Flow, which needs "
					+ "org.jetbrains.kotlinx:kotlinx-coroutines-jdk9 on the class path");
		}
	}

	/**
	 * Return the call of a handler method that needs the coroutine support, resuming on the given
	 * executor, or {@code null} for a method that does not.
	 */
	static @Nullable BiFunction<Object[], HandlerCallContext, Object> call(ReplyHandlerEndpoint endpoint,
			Executor executor) {
		return needed(endpoint.method()) ? new CoroutineHandlerCall(endpoint, executor) : null;
	}

	// A suspend function's Java return type is Object: what it returns is in its continuation's type.
	private static boolean returnsFlow(Method method) {
		Type returned = method.getGenericReturnType();
		if (isSuspending(method)) {
			Type[] parameters = method.getGenericParameterTypes();
			returned = (parameters[parameters.length - 1] instanceof ParameterizedType continuation)
					? continuation.getActualTypeArguments()[0] : Object.class;
			if (returned instanceof WildcardType wildcard) {
				returned = (wildcard.getLowerBounds().length > 0) ? wildcard.getLowerBounds()[0] : Object.class;
			}
		}
		Class<?> type = (returned instanceof ParameterizedType parameterized
				&& parameterized.getRawType() instanceof Class<?> raw) ? raw
						: (returned instanceof Class<?> plain) ? plain : Object.class;
		ClassLoader classLoader = method.getDeclaringClass().getClassLoader();
		if (!ClassUtils.isPresent(FLOW, classLoader)) {
			return false;
		}
		return ClassUtils.resolveClassName(FLOW, classLoader).isAssignableFrom(type);
	}

}
