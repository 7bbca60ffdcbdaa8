package dev.requestreply.aot;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;

import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.util.ClassUtils;

/**
 * The runtime hints of what the library reaches reflectively, registered through
 * {@code META-INF/spring/aot.factories}: the Kafka client classes it names in the clients'
 * configuration (which Kafka instantiates by reflection), and the descriptors the
 * {@code requestreply} actuator endpoint writes as JSON, and the pending state of durable
 * requests (JSON on the pending topic). The {@code @ReplyHandler} methods and their types are
 * registered by {@link ReplyHandlerReflectiveProcessor}, the {@code @DurableReplyListener} methods
 * and their reply types by {@link DurableReplyListenerReflectiveProcessor}; the reply types named at
 * {@code request(...)} call sites cannot be found at build time: register them with
 * {@code @RegisterReflectionForBinding(Quote.class)} on any configuration class.
 *
 * @since 0.3.0
 */
public class RequestReplyRuntimeHints implements RuntimeHintsRegistrar {

	private static final String ENDPOINT = "dev.requestreply.actuate.RequestReplyEndpoint";

	// Written and read as JSON on the durable pending topic.
	private static final String PENDING_STATE = "dev.requestreply.durable.PendingState";

	private static final String OPERATIONS = "org.springframework.boot.actuate.endpoint.annotation";

	private static final String ACTUATOR = OPERATIONS + ".Endpoint";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		for (Class<?> client : new Class<?>[] { ByteArraySerializer.class, ByteArrayDeserializer.class,
				ByteBufferDeserializer.class, CooperativeStickyAssignor.class }) {
			hints.reflection().registerType(client, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
		}
		BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();
		bindings.registerReflectionHints(hints.reflection(), ClassUtils.resolveClassName(PENDING_STATE, classLoader));
		if (ClassUtils.isPresent(ACTUATOR, classLoader) && ClassUtils.isPresent(ENDPOINT, classLoader)) {
			for (Method operation : ClassUtils.resolveClassName(ENDPOINT, classLoader).getDeclaredMethods()) {
				if (isOperation(operation)) {
					bindings.registerReflectionHints(hints.reflection(), operation.getGenericReturnType());
				}
			}
		}
	}

	// @ReadOperation, @WriteOperation or @DeleteOperation: their results are written as JSON.
	private static boolean isOperation(Method method) {
		for (Annotation annotation : method.getAnnotations()) {
			Class<?> type = annotation.annotationType();
			if (type.getPackageName().equals(OPERATIONS) && type.getSimpleName().endsWith("Operation")) {
				return true;
			}
		}
		return false;
	}

}
