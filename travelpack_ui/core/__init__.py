"""Settings, database and writer, errors, tokens, mail, rate limits and HTTP wiring: what every feature stands on."""
