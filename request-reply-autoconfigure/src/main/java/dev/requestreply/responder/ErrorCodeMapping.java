package dev.requestreply.responder;

import java.util.concurrent.CancellationException;

import dev.requestreply.ReplyErrorCode;
import dev.requestreply.ReplyErrorCodes;
import dev.requestreply.convert.PayloadConversionException;
import dev.requestreply.handler.MalformedRequestException;

import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * The error code of a handler's failure: the {@link ReplyErrorCode @ReplyErrorCode} of its class
 * or a superclass; {@code INVALID_ARGUMENT} for a request that could not be read;
 * {@code CANCELLED} for a future the handler cancelled itself; else {@code INTERNAL}.
 */
final class ErrorCodeMapping {

	private ErrorCodeMapping() {
	}

	static String codeOf(Throwable failure) {
		ReplyErrorCode annotation = AnnotatedElementUtils.findMergedAnnotation(failure.getClass(),
				ReplyErrorCode.class);
		if (annotation != null && !annotation.value().isBlank()) {
			return annotation.value().trim();
		}
		if (failure instanceof MalformedRequestException || failure instanceof PayloadConversionException) {
			return ReplyErrorCodes.INVALID_ARGUMENT;
		}
		if (failure instanceof CancellationException) {
			return ReplyErrorCodes.CANCELLED;
		}
		return ReplyErrorCodes.INTERNAL;
	}

}
