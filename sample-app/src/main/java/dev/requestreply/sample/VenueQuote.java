package dev.requestreply.sample;

import java.math.BigDecimal;

/**
 * The price of a symbol at one trading venue.
 *
 * @param venue the venue
 * @param symbol the symbol
 * @param price the venue's price
 */
public record VenueQuote(String venue, String symbol, BigDecimal price) {

}
