"""The law as data: YAML entries, each with an id, a citation, an effective period and a confidence."""
