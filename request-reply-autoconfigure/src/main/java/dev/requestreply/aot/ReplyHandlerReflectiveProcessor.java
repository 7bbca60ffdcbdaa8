package dev.requestreply.aot;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import dev.requestreply.ReplyContext;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.annotation.SimpleReflectiveProcessor;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

/**
 * The runtime hints of a {@link dev.requestreply.ReplyHandler @ReplyHandler} method, found on the
 * beans when the application is processed ahead of time: the method is invoked reflectively, and
 * its payload, header and reply types are bound with Jackson (for a reply type, the element type
 * of a {@code CompletionStage}, {@code Future}, {@code Optional}, {@code Stream} or reactive
 * {@code Publisher} it returns).
 *
 * @since 0.3.0
 */
public class ReplyHandlerReflectiveProcessor extends SimpleReflectiveProcessor {

	private static final List<String> WRAPPERS = List.of(CompletionStage.class.getName(), Future.class.getName(),
			Optional.class.getName(), Stream.class.getName(), Flow.Publisher.class.getName(),
			"org.reactivestreams.Publisher");

	private final BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();

	@Override
	protected void registerMethodHint(ReflectionHints hints, Method method) {
		hints.registerMethod(method, ExecutableMode.INVOKE);
		List<ResolvableType> bound = new ArrayList<>();
		for (int i = 0; i < method.getParameterCount(); i++) {
			MethodParameter parameter = new MethodParameter(method, i);
			if (parameter.getParameterType() != ReplyContext.class) {
				bound.add(ResolvableType.forMethodParameter(parameter));
			}
		}
		ResolvableType reply = ResolvableType.forMethodReturnType(method);
		while (isWrapper(reply)) {
			reply = reply.getGeneric(0);
		}
		bound.add(reply);
		for (ResolvableType type : bound) {
			Class<?> resolved = type.resolve();
			if (resolved != null && resolved != void.class && resolved != Void.class
					&& !ClassUtils.isPrimitiveOrWrapper(resolved)) {
				this.bindings.registerReflectionHints(hints, type.getType());
			}
		}
	}

	private static boolean isWrapper(ResolvableType type) {
		Class<?> resolved = type.resolve();
		if (resolved == null || !type.hasGenerics()) {
			return false;
		}
		for (String wrapper : WRAPPERS) {
			if (isAssignable(wrapper, resolved)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isAssignable(String typeName, Class<?> type) {
		ClassLoader classLoader = type.getClassLoader();
		if (!ClassUtils.isPresent(typeName, classLoader)) {
			return false;
		}
		return ClassUtils.resolveClassName(typeName, classLoader).isAssignableFrom(type);
	}

}
