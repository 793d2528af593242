"""Numbers on Spanish pages the way US Medicare materials in Spanish write them: 4.5 and
1,000, matching the English pages and the dollar amounts. Every other format (dates,
months) falls back to Django's Spanish formats."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
