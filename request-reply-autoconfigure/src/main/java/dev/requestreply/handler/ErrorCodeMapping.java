package dev.requestreply.handler;

import dev.requestreply.ReplyErrorCode;
import dev.requestreply.ReplyErrorCodes;
import dev.requestreply.convert.PayloadConversionException;

/**
 * The error code of a handler's failure: the {@link ReplyErrorCode @ReplyErrorCode} of its class
 * or a superclass (checked by {@link ReplyErrorCodes#annotatedCode(Throwable)});
 * {@code INVALID_ARGUMENT} for a request that could not be read; else {@code INTERNAL}.
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
		return ReplyErrorCodes.INTERNAL;
	}

}
