"""Read models shared by every entry point: built once, used by the web, the API and the public portal."""
