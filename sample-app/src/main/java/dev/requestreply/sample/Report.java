package dev.requestreply.sample;

import java.math.BigDecimal;

/**
 * A report on a symbol's prices, which takes a while to work out.
 *
 * @param symbol the ticker symbol
 * @param low the lowest price of the period
 * @param high the highest price of the period
 * @param points how many prices it looked at
 */
public record Report(String symbol, BigDecimal low, BigDecimal high, int points) {

}
