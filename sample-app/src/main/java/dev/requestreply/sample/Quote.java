package dev.requestreply.sample;

import java.math.BigDecimal;

/**
 * The last price of a symbol.
 *
 * @param symbol the ticker symbol
 * @param price the last price
 * @param currency the currency of the price
 */
public record Quote(String symbol, BigDecimal price, String currency) {

}
