"""One module per page (or small group of pages that share a URL prefix)."""
