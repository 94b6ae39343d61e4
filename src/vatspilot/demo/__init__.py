"""Demonstration data: a pilot world built through the services, for `make run` and the tests."""
