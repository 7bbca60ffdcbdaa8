package dev.requestreply.docs.snippets;

import dev.requestreply.ReplyErrorCode;
import dev.requestreply.ReplyErrorCodes;

// tag::error-code[]
@ReplyErrorCode(ReplyErrorCodes.NOT_FOUND)
class UnknownSymbolException extends RuntimeException {

	UnknownSymbolException(String symbol) {
		super("Unknown symbol '" + symbol + "'");
	}

}
// end::error-code[]
