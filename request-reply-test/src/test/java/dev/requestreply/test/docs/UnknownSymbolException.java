package dev.requestreply.test.docs;

import dev.requestreply.ReplyErrorCode;
import dev.requestreply.ReplyErrorCodes;

@ReplyErrorCode(ReplyErrorCodes.NOT_FOUND)
class UnknownSymbolException extends RuntimeException {

	UnknownSymbolException(String symbol) {
		super("Unknown symbol '" + symbol + "'");
	}

}
