package dev.requestreply.sample;

import java.math.BigDecimal;

/**
 * One point of a symbol's price history.
 *
 * @param symbol the symbol
 * @param minutesAgo how long ago the price was seen
 * @param price the price then
 */
public record PricePoint(String symbol, int minutesAgo, BigDecimal price) {

}
