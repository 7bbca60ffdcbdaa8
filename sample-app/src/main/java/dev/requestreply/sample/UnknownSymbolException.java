package dev.requestreply.sample;

import dev.requestreply.ReplyErrorCode;
import dev.requestreply.ReplyErrorCodes;

/**
 * Thrown by the pricing service for a symbol it does not price; its error replies carry the code
 * {@code NOT_FOUND}, which callers map without knowing this class.
 */
@ReplyErrorCode(ReplyErrorCodes.NOT_FOUND)
public class UnknownSymbolException extends RuntimeException {

	public UnknownSymbolException(String symbol) {
		super("Unknown symbol '" + symbol + "'");
	}

}
