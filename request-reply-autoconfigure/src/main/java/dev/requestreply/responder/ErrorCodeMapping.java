package dev.requestreply.responder;

import java.util.concurrent.CancellationException;

import dev.requestreply.ReplyErrorCode;
import dev.requestreply.ReplyErrorCodes;
import dev.requestreply.convert.PayloadConversionException;
import dev.requestreply.handler.MalformedRequestException;

/**
 * The error code of a handler's failure: the {@link ReplyErrorCode @ReplyErrorCode} of its class
 * or a superclass (checked by {@link ReplyErrorCodes#annotatedCode(Throwable)});
 * {@code INVALID_ARGUMENT} for a request that could not be read; {@code CANCELLED} for a future
 * the handler cancelled itself; else {@code INTERNAL}.
 */
final class ErrorCodeMapping {

	private ErrorCodeMapping() {
	}

	static String codeOf(Throwable failure) {
		String annotated = ReplyErrorCodes.annotatedCode(failure);
		if (annotated != null) {
			return annotated;
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
