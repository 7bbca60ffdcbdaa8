package dev.requestreply.handler;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

import dev.requestreply.ReplyContext;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.SynthesizingMethodParameter;
import org.springframework.core.convert.ConversionException;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.messaging.handler.annotation.ValueConstants;
import org.springframework.util.StringUtils;

/**
 * The arguments of a handler method: exactly one payload parameter, any number of request headers
 * ({@link org.springframework.messaging.handler.annotation.Header @Header}: {@code byte[]} as
 * sent, {@code String} as UTF-8, other types converted from that text by Spring's conversion
 * service), and the {@link ReplyContext}, in any order. The continuation of a Kotlin
 * {@code suspend} function is none of them: its call passes it.
 */
final class HandlerArguments {

	private static final ConversionService conversionService = DefaultConversionService.getSharedInstance();

	private static final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private static final TypeDescriptor TEXT = TypeDescriptor.valueOf(String.class);

	private final Argument[] arguments;

	private final Type payloadType;

	private HandlerArguments(Argument[] arguments, Type payloadType) {
		this.arguments = arguments;
		this.payloadType = payloadType;
	}

	/**
	 * Read the parameters of a handler method.
	 * @throws IllegalArgumentException if the method has no payload parameter, or several
	 */
	static HandlerArguments of(Method method) {
		CoroutineHandlers.check(method);
		// A suspend function's continuation is passed by its call (CoroutineHandlerCall).
		int count = method.getParameterCount() - (CoroutineHandlers.isSuspending(method) ? 1 : 0);
		Argument[] arguments = new Argument[count];
		Type payloadType = null;
		int payloadIndex = -1;
		for (int i = 0; i < arguments.length; i++) {
			MethodParameter parameter = SynthesizingMethodParameter.forExecutable(method, i);
			parameter.initParameterNameDiscovery(parameterNames);
			org.springframework.messaging.handler.annotation.Header header = parameter
				.getParameterAnnotation(org.springframework.messaging.handler.annotation.Header.class);
			if (header != null) {
				arguments[i] = headerArgument(parameter, header);
			}
			else if (parameter.getParameterType() == ReplyContext.class) {
				arguments[i] = (payload, context) -> context;
			}
			else {
				if (payloadType != null) {
					throw new IllegalArgumentException("it must declare exactly one payload parameter (the others "
							+ "annotated @Header, or of type ReplyContext), but parameters " + payloadIndex
							+ " and " + i + " are both payloads");
				}
				payloadType = parameter.getGenericParameterType();
				payloadIndex = i;
				arguments[i] = (payload, context) -> payload;
			}
		}
		if (payloadType == null) {
			throw new IllegalArgumentException("it must declare exactly one payload parameter, the request payload; "
					+ "it declares none");
		}
		return new HandlerArguments(arguments, payloadType);
	}

	private static Argument headerArgument(MethodParameter parameter,
			org.springframework.messaging.handler.annotation.Header header) {
		String name = StringUtils.hasText(header.name()) ? header.name() : parameter.getParameterName();
		if (!StringUtils.hasText(name)) {
			throw new IllegalArgumentException("its @Header parameter " + parameter.getParameterIndex()
					+ " names no header (and the class was compiled without -parameters)");
		}
		String defaultValue = ValueConstants.DEFAULT_NONE.equals(header.defaultValue()) ? null : header.defaultValue();
		boolean required = header.required() && defaultValue == null;
		TypeDescriptor target = new TypeDescriptor(parameter);
		Class<?> type = parameter.getParameterType();
		if (type != byte[].class && type != String.class && !conversionService.canConvert(TEXT, target)) {
			throw new IllegalArgumentException("its @Header(\"" + name + "\") parameter has a type " + target
					+ " that a header's text does not convert to");
		}
		return (payload, context) -> {
			Header value = context.headers().lastHeader(name);
			if (value == null || value.value() == null) {
				if (required) {
					throw new InvalidHeaderException("Request has no header '" + name + "', required by the handler");
				}
				return (defaultValue != null) ? convert(name, defaultValue.getBytes(StandardCharsets.UTF_8), type,
						target) : null;
			}
			return convert(name, value.value(), type, target);
		};
	}

	private static @Nullable Object convert(String name, byte[] value, Class<?> type, TypeDescriptor target) {
		if (type == byte[].class) {
			return value;
		}
		String text = new String(value, StandardCharsets.UTF_8);
		if (type == String.class) {
			return text;
		}
		try {
			return conversionService.convert(text, TEXT, target);
		}
		catch (ConversionException ex) {
			throw new InvalidHeaderException("Header '" + name + "' does not convert to " + target + ": '"
					+ ((text.length() > 32) ? text.substring(0, 32) + "..." : text) + "'");
		}
	}

	Type payloadType() {
		return this.payloadType;
	}

	/**
	 * Return the arguments of one call.
	 * @throws InvalidHeaderException if a required header is missing or a header does not convert
	 */
	Object[] resolve(@Nullable Object payload, ReplyContext context) {
		Object[] values = new Object[this.arguments.length];
		for (int i = 0; i < values.length; i++) {
			values[i] = this.arguments[i].resolve(payload, context);
		}
		return values;
	}

	@FunctionalInterface
	private interface Argument {

		@Nullable Object resolve(@Nullable Object payload, ReplyContext context);

	}

}
