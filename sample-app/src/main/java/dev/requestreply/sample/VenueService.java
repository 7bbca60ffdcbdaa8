package dev.requestreply.sample;

import java.math.BigDecimal;
import java.util.Locale;

import dev.requestreply.ReplyHandler;

import org.springframework.stereotype.Service;

/**
 * Two trading venues answering the same request topic, each in a consumer group of its own, so
 * that a scatter-gather gets one reply from each.
 */
@Service
public class VenueService {

	/**
	 * The New York venue's price: the last price plus a cent.
	 */
	@ReplyHandler(topics = "${pricing.topics.venues}", groupId = "venue-nyse")
	public VenueQuote nyse(String symbol) {
		return quote("venue-nyse", symbol, new BigDecimal("0.01"));
	}

	/**
	 * The London venue's price: the last price less a cent.
	 */
	@ReplyHandler(topics = "${pricing.topics.venues}", groupId = "venue-lse")
	public VenueQuote lse(String symbol) {
		return quote("venue-lse", symbol, new BigDecimal("-0.01"));
	}

	private static VenueQuote quote(String venue, String symbol, BigDecimal offset) {
		String normalized = symbol.strip().toUpperCase(Locale.ROOT);
		return new VenueQuote(venue, normalized, PricingService.priceOf(normalized).add(offset));
	}

}
