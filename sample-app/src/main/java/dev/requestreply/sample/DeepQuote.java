package dev.requestreply.sample;

import java.math.BigDecimal;

/**
 * A quote with the best bid and ask of the order book, which takes longer to work out.
 *
 * @param symbol the ticker symbol
 * @param price the last price
 * @param bid the best bid
 * @param ask the best ask
 * @param currency the currency of the prices
 */
public record DeepQuote(String symbol, BigDecimal price, BigDecimal bid, BigDecimal ask, String currency) {

}
