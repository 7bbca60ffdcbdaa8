package dev.requestreply.docs.snippets;

record Quote(String symbol, double price) {
}
