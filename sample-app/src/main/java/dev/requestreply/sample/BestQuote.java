package dev.requestreply.sample;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The best of the venues' prices for a symbol, gathered from every venue that answered in time.
 *
 * @param best the lowest price, or {@code null} when no venue answered with one
 * @param quotes every venue's price
 * @param failedVenues the venues that answered with an error
 * @param timedOut whether some venue did not answer in time (the result is partial)
 */
public record BestQuote(@Nullable VenueQuote best, List<VenueQuote> quotes, List<String> failedVenues,
		boolean timedOut) {

}
