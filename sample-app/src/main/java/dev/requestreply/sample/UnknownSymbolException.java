package dev.requestreply.sample;

/**
 * Thrown by the pricing service for a symbol it does not price.
 */
public class UnknownSymbolException extends RuntimeException {

	public UnknownSymbolException(String symbol) {
		super("Unknown symbol '" + symbol + "'");
	}

}
