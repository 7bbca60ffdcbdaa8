package dev.requestreply.aot;

import java.lang.reflect.Method;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.annotation.SimpleReflectiveProcessor;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

/**
 * The runtime hints of a {@link dev.requestreply.DurableReplyListener @DurableReplyListener}
 * method, found on the beans when the application is processed ahead of time: the method is
 * invoked reflectively, and the {@code T} of its {@code DurableOutcome<T>}, which replies are
 * converted to, is bound with Jackson.
 *
 * @since 0.4.0
 */
public class DurableReplyListenerReflectiveProcessor extends SimpleReflectiveProcessor {

	private final BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();

	@Override
	protected void registerMethodHint(ReflectionHints hints, Method method) {
		hints.registerMethod(method, ExecutableMode.INVOKE);
		if (method.getParameterCount() != 1) {
			// Start-up refuses it, naming the method.
			return;
		}
		ResolvableType reply = ResolvableType.forMethodParameter(method, 0).getGeneric(0);
		Class<?> resolved = reply.resolve();
		if (resolved != null && resolved != Void.class && !ClassUtils.isPrimitiveOrWrapper(resolved)) {
			this.bindings.registerReflectionHints(hints, reply.getType());
		}
	}

}
